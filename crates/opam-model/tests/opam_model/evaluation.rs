use opam_file::{ItemKind, Value};
use opam_model::{
    DependencyFlags, DependencyFormula, Filter, GlobalEnvironment, Junction, Package,
};

/// The value of the only field of `text`.
fn field_value(text: &str) -> Value {
    let file = opam_file::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}"));
    match file.items.into_iter().next().map(|item| item.kind) {
        Some(ItemKind::Variable(_, value)) => value,
        other => panic!("{text}: not a field: {other:?}"),
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(crate::test_data().join(name)).unwrap()
}

#[test]
fn evaluates_generated_filters_as_opam_does() {
    let text = fixture("filter-eval.txt");
    let mut lines = text.lines();
    let env_line = lines.next().unwrap();
    let env = GlobalEnvironment::from_bindings(env_line.strip_prefix("ENV\t").unwrap());
    let mut mismatches = Vec::new();
    let mut count = 0;
    for line in lines {
        let (expected, filter_text) = line.split_once('\t').unwrap();
        let value = field_value(&format!("available: {filter_text}\n"));
        let filter = Filter::from_value(&value).unwrap_or_else(|e| panic!("{filter_text}: {e}"));
        let ours = filter.eval_to_bool(&env, false);
        if ours.to_string() != expected {
            mismatches.push(format!("{filter_text}: opam {expected}, ours {ours}"));
        }
        count += 1;
    }
    assert_eq!(count, 1500);
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

fn flags(name: &str) -> DependencyFlags {
    let default = DependencyFlags::default();
    match name {
        "default" => default,
        "with-test" => DependencyFlags {
            test: true,
            ..default
        },
        "with-doc" => DependencyFlags {
            doc: true,
            ..default
        },
        "nobuild" => DependencyFlags {
            build: false,
            ..default
        },
        "post" => DependencyFlags {
            post: true,
            ..default
        },
        "dev" => DependencyFlags {
            dev: true,
            ..default
        },
        other => panic!("unknown flag set {other}"),
    }
}

#[test]
fn evaluates_generated_dependency_formulas_as_opam_does() {
    let text = fixture("formula-eval.txt");
    let mut env = None;
    let mut candidates = Vec::new();
    let mut current: Option<(String, DependencyFormula, usize)> = None;
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for line in text.lines() {
        let (head, rest) = line.split_once('\t').unwrap();
        match head {
            "ENV" => env = Some(GlobalEnvironment::from_bindings(rest)),
            "CANDIDATES" => candidates = rest.split(' ').map(str::to_owned).collect(),
            "FLAGS" => {}
            "FORMULA" => {
                let value = field_value(&format!("depends: [ {rest} ]\n"));
                let formula = DependencyFormula::from_value(&value, Junction::And)
                    .unwrap_or_else(|e| panic!("{rest}: {e}"));
                let number = rest
                    .trim_start_matches(['(', '"', 'p'])
                    .split('"')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("no package number in {rest}"));
                current = Some((rest.to_owned(), formula, number));
            }
            flag_name => {
                let (formula_text, formula, number) = current.as_ref().unwrap();
                let env = env.as_ref().unwrap();
                let resolved = formula.filter_deps(&flags(flag_name), env, false);
                let mut selected = Vec::new();
                for name in [format!("p{number}"), format!("q{number}")] {
                    for version in &candidates {
                        let package = Package::parse(&format!("{name}.{version}")).unwrap();
                        if resolved.matches(&package) {
                            selected.push(package.to_string());
                        }
                    }
                }
                let ours = selected.join(" ");
                if ours != rest {
                    mismatches.push(format!(
                        "{formula_text} [{flag_name}]\n  opam: {rest}\n  ours: {ours}"
                    ));
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 500 * 6);
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// The positions of each matching pair of parentheses of `text`, outside strings.
fn parenthesis_pairs(text: &str) -> Vec<(usize, usize)> {
    let (mut pairs, mut open) = (Vec::new(), Vec::new());
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' if !in_string => open.push(i),
            ')' if !in_string => pairs.push((open.pop().unwrap(), i)),
            _ => {}
        }
    }
    pairs
}

/// The filter of `available: TEXT`, or `None` when that does not read as one.
fn read_filter(text: &str) -> Option<Filter> {
    let file = opam_file::parse(format!("available: {text}\n").as_bytes()).ok()?;
    match file.items.into_iter().next().map(|item| item.kind) {
        Some(ItemKind::Variable(_, value)) => Filter::from_value(&value).ok(),
        _ => None,
    }
}

#[test]
fn prints_every_generated_filter_back_with_only_the_parentheses_it_needs() {
    let text = fixture("filter-eval.txt");
    let mut pairs_checked = 0;
    for line in text.lines().skip(1) {
        let (_, filter_text) = line.split_once('\t').unwrap();
        let filter = read_filter(filter_text).unwrap();
        let printed = filter.to_string();
        assert_eq!(
            read_filter(&printed),
            Some(filter.clone()),
            "{filter_text} printed as {printed}"
        );
        for (open, close) in parenthesis_pairs(&printed) {
            // A prefix operator keeps parentheses around a comparison: `!(a = b)`,
            // although `!a = b` reads the same (`!` binds less tightly than `=`).
            if open > 0 && matches!(&printed[open - 1..open], "!" | "?") {
                continue;
            }
            let without = format!(
                "{}{}{}",
                &printed[..open],
                &printed[open + 1..close],
                &printed[close + 1..]
            );
            assert_ne!(
                read_filter(&without).as_ref(),
                Some(&filter),
                "{printed}: the parentheses at {open} are not needed"
            );
            pairs_checked += 1;
        }
    }
    // The fixture nests chains and negations: 45 pairs when this was written.
    assert!(pairs_checked >= 40, "{pairs_checked}");
}
