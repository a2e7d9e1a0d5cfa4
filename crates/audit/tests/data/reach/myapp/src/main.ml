(* myapp: serves a directory over HTTP. A hand-written scenario for osec's tests:
   the call to the vulnerable Cohttp.Path.resolve_local_file goes through
   cohttp-lwt-unix's Server.resolve_file, under a module alias. *)
module Server = Cohttp_lwt_unix.Server

let callback _conn req _body =
  let uri = Cohttp.Request.uri req in
  let fname = Server.resolve_file ~docroot:"/srv/www" ~uri in
  Server.respond_file ~fname ()

let () = Lwt_main.run (Server.create (Server.make ~callback ()))
