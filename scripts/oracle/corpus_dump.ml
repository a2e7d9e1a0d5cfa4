(* corpus_dump.ml: the reference results of opam-file-format for many files in one
   process, for osec's differential corpus test.

   Build: ocamlfind ocamlopt -package opam-file-format -linkpkg corpus_dump.ml -o corpus_dump
   Usage: corpus_dump OUT < list-of-files

   For each file named on standard input, appends one record to OUT:
     FILE <name>\n
     AST <n>\n<n bytes>\n       the same text as the oracle's `dump ast`
     PRINT <n>\n<n bytes>\n     OpamPrinter.FullPos.opamfile, or an EXN/error line
     NORM <n>\n<n bytes>\n      OpamPrinter.FullPos.Normalise.opamfile, or an EXN/error line
   Lengths make the records safe whatever bytes the files hold. *)

open OpamParserTypes.FullPos

let relop_text = function
  | `Eq -> "=" | `Neq -> "!=" | `Geq -> ">=" | `Gt -> ">" | `Leq -> "<=" | `Lt -> "<"

let rec value_text x =
  let list l = String.concat "" (List.map (fun y -> " " ^ value_text y) l) in
  match x.pelem with
  | Bool b -> Printf.sprintf "(Bool %b)" b
  | Int i -> Printf.sprintf "(Int %d)" i
  | String s -> Printf.sprintf "(String %S)" s
  | Ident s -> Printf.sprintf "(Ident %s)" s
  | Relop (o, a, b) ->
    Printf.sprintf "(Relop %s %s %s)" (relop_text o.pelem) (value_text a) (value_text b)
  | Prefix_relop (o, a) ->
    Printf.sprintf "(Prefix_relop %s %s)" (relop_text o.pelem) (value_text a)
  | Logop (o, a, b) ->
    Printf.sprintf "(Logop %s %s %s)"
      (match o.pelem with `And -> "&" | `Or -> "|") (value_text a) (value_text b)
  | Pfxop (o, a) ->
    Printf.sprintf "(Pfxop %s %s)"
      (match o.pelem with `Not -> "!" | `Defined -> "?") (value_text a)
  | List l -> Printf.sprintf "(List%s)" (list l.pelem)
  | Group l -> Printf.sprintf "(Group%s)" (list l.pelem)
  | Option (a, l) -> Printf.sprintf "(Option %s%s)" (value_text a) (list l.pelem)
  | Env_binding (a, o, b) ->
    Printf.sprintf "(Env %s %s %s)" (value_text a)
      (OpamPrinter.FullPos.env_update_op o) (value_text b)

let pos_text p =
  Printf.sprintf "%d:%d-%d:%d" (fst p.start) (snd p.start) (fst p.stop) (snd p.stop)

let rec item_text buf indent i =
  match i.pelem with
  | Variable (n, x) ->
    Printf.bprintf buf "%s[%s] Var %s = %s\n" indent (pos_text i.pos) n.pelem (value_text x)
  | Section s ->
    Printf.bprintf buf "%s[%s] Section %s %s\n" indent (pos_text i.pos)
      s.section_kind.pelem
      (match s.section_name with None -> "-" | Some n -> Printf.sprintf "%S" n.pelem);
    List.iter (item_text buf (indent ^ "  ")) s.section_items.pelem

let guarded f = try f () with e -> Printf.sprintf "EXN %s\n" (Printexc.to_string e)

let record oc name =
  let ast, print, norm =
    match OpamParser.FullPos.file name with
    | exception OpamLexer.Error m ->
      let e = Printf.sprintf "LEXER-ERROR %s\n" m in (e, e, e)
    | exception Parsing.Parse_error -> ("PARSE-ERROR\n", "PARSE-ERROR\n", "PARSE-ERROR\n")
    | exception e -> let t = Printf.sprintf "EXN %s\n" (Printexc.to_string e) in (t, t, t)
    | file ->
      let buf = Buffer.create 1024 in
      List.iter (item_text buf "") file.file_contents;
      (Buffer.contents buf,
       guarded (fun () -> OpamPrinter.FullPos.opamfile file),
       guarded (fun () -> OpamPrinter.FullPos.Normalise.opamfile file))
  in
  Printf.fprintf oc "FILE %s\n" name;
  List.iter (fun (tag, text) ->
      Printf.fprintf oc "%s %d\n%s\n" tag (String.length text) text)
    ["AST", ast; "PRINT", print; "NORM", norm]

let () =
  let oc = open_out_bin Sys.argv.(1) in
  (try
     while true do
       let name = input_line stdin in
       if name <> "" then record oc name
     done
   with End_of_file -> ());
  close_out oc
