import FieldLogCore
import FieldLogServer
import Foundation
import HTTPTypes
import Testing

// The router's routes, as Hummingbird registered them: read from its trie, which only a test of
// a debug build (dependencies built for testing) may; a release build reads API.swift's text only.
#if DEBUG
  @_spi(Internal) @testable import Hummingbird
#endif

/// Schemas/fieldlog-serve.openapi.yaml against the routes the API registers and the JSON they send.
///
/// The document is read with python3's yaml module and responses are checked with its jsonschema
/// module (Draft 2020-12, the dialect of OpenAPI 3.1), as Tests/Tools/validate-json.py does for the
/// CLI's schemas.
@Suite("API: the OpenAPI document")
struct OpenAPITests {
  /// `METHOD /path/{param}` for every route the workspace's router has under /api.
  static func registeredRoutes() throws -> Set<String> {
    #if DEBUG
      let router = try Harness().workspace.router()
      var routes: Set<String> = []
      router.trie.forEach { node in
        guard let endpoint = node.value else { return }
        for method in endpoint.methods.keys {
          routes.insert("\(method.rawValue) \(endpoint.path.description)")
        }
      }
      return routes.filter { $0.split(separator: " ").last?.hasPrefix("/api/") == true }
    #else
      return try routesInSource()
    #endif
  }

  /// The same from API.swift's text (`api.get("entries/:id")` → `GET /api/entries/{id}`): a second
  /// reading, so that the trie's being internal to Hummingbird cannot hide a route.
  static func routesInSource() throws -> Set<String> {
    let source = try String(contentsOfFile: Paths.apiSource, encoding: .utf8)
    let pattern = try NSRegularExpression(pattern: #"api\.(get|post|put|patch|delete)\("([^"]*)""#)
    let range = NSRange(source.startIndex..., in: source)
    return Set(
      pattern.matches(in: source, range: range).compactMap { match -> String? in
        guard let method = Range(match.range(at: 1), in: source),
          let path = Range(match.range(at: 2), in: source)
        else { return nil }
        let templated = source[path].split(separator: "/").map { part in
          part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
        }
        return "\(source[method].uppercased()) /api/\(templated.joined(separator: "/"))"
      })
  }

  @Test("every route the API registers is documented, and every documented route is registered")
  func routesDocumented() throws {
    let registered = try Self.registeredRoutes()
    #expect(registered.count == 17, "\(registered.sorted())")
    #expect(try Self.routesInSource() == registered)
    let output = try Python.run(Python.script, ["routes", Paths.openAPI])
    let documented = try #require(
      try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    let routes = Set(documented["routes"] as? [String] ?? [])
    #expect(
      registered.subtracting(routes).isEmpty,
      "registered but not documented: \(registered.subtracting(routes).sorted())")
    #expect(
      routes.subtracting(registered).isEmpty,
      "documented but not registered: \(routes.subtracting(registered).sorted())")
    // The document itself: OpenAPI 3.1, bearer security for every operation, every $ref found,
    // every write taking the Origin header and every route answering 401 and 403 as an Error.
    let problems = documented["problems"] as? [String] ?? ["no problems list"]
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
  }

  @Test("real responses of every route match the document's schemas for their status")
  func responsesMatchSchemas() async throws {
    let samples = try await Self.samples()
    let folder = try TemporaryFolder()
    var manifest: [[String: Any]] = []
    for (index, sample) in samples.enumerated() {
      let file = folder.path("\(index).json")
      try sample.reply.body.write(to: URL(fileURLWithPath: file))
      var item: [String: Any] = [
        "file": file, "what": sample.reply.description, "method": sample.reply.method.rawValue,
        "status": Int(sample.reply.status.code),
      ]
      if let path = sample.path { item["path"] = path }
      // What a request that was taken sent must match the request's schema.
      if let sent = sample.reply.sent, sample.reply.status.code < 300 {
        let request = folder.path("\(index)-request.json")
        try Data(sent.utf8).write(to: URL(fileURLWithPath: request))
        item["request"] = request
      }
      if let schema = sample.schema { item["schema"] = schema }
      manifest.append(item)
    }
    let manifestPath = folder.path("manifest.json")
    try JSONSerialization.data(withJSONObject: manifest).write(
      to: URL(fileURLWithPath: manifestPath))
    let output = try Python.run(Python.script, ["validate", Paths.openAPI, manifestPath])
    let result = try #require(
      try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    let problems = result["problems"] as? [String] ?? ["no problems list: \(output)"]
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    let checked = result["checked"] as? [String: Int] ?? [:]
    for schema in [
      "EntryList", "EntryView", "Codes", "Code", "Compare", "Error", "Study", "Changes", "Segments",
      "Memos", "Memo", "Coding", "Networks", "requests",
    ] {
      #expect((checked[schema] ?? 0) > 0, "no response was checked against \(schema): \(checked)")
    }
    // Every documented operation was answered at least once with a success.
    let operations = Set(
      samples.filter { $0.path != nil && $0.reply.status.code < 300 }.map {
        "\($0.reply.method.rawValue) \($0.path ?? "")"
      })
    #expect(operations == (try Self.registeredRoutes()), "\(operations.sorted())")
  }

  @Test("the validation itself refuses a response that does not match")
  func validationBites() throws {
    let folder = try TemporaryFolder()
    let bad = folder.path("bad.json")
    try Data(#"{"entries": [{"id": "x"}], "total": -1, "offset": 0, "limit": 100}"#.utf8).write(
      to: URL(fileURLWithPath: bad))
    let extra = folder.path("extra.json")
    try Data(#"{"error": {"message": "m", "exitCode": 65}}"#.utf8).write(
      to: URL(fileURLWithPath: extra))
    let manifest = folder.path("manifest.json")
    try JSONSerialization.data(withJSONObject: [
      ["file": bad, "what": "bad", "method": "GET", "status": 200, "path": "/api/entries"],
      ["file": extra, "what": "extra", "method": "GET", "status": 404, "schema": "Error"],
      ["file": extra, "what": "status", "method": "GET", "status": 409, "path": "/api/entries"],
    ]).write(to: URL(fileURLWithPath: manifest))
    let output = try Python.run(Python.script, ["validate", Paths.openAPI, manifest])
    let result = try #require(
      try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    let problems = result["problems"] as? [String] ?? []
    #expect(problems.contains { $0.hasPrefix("bad") && $0.contains("total") }, "\(problems)")
    #expect(problems.contains { $0.hasPrefix("bad") && $0.contains("short_id") }, "\(problems)")
    #expect(problems.contains { $0.hasPrefix("extra") && $0.contains("exitCode") }, "\(problems)")
    #expect(problems.contains { $0.hasPrefix("status") && $0.contains("409") }, "\(problems)")
  }

  /// A response, with the documented path it answered (templated) and/or a component schema.
  struct Sample: Sendable {
    var reply: Reply
    var path: String?
    var schema: String?
  }

  /// Responses of every route, successes and refusals, over a journal with codings by two coders,
  /// a withheld entry, a retracted one and a body in many scripts.
  static func samples() async throws -> [Sample] {
    let harness = try Harness()
    let journal = harness.journal
    let entries = harness.entries
    let koffie = entries.koffie
    let start = try #require(koffie.body.scalarOffset(of: "buurtmoeders"))
    let theirs = try journal.applyCode(
      "buurtmoeders", to: koffie.id, target: .range(start, start + 12), coder: Harness.other)
    _ = try journal.applyCode(
      "geloofsgemeenschap", to: entries.netwerk.id, target: .range(0, 6), coder: Harness.other)
    _ = try journal.applyCode("drempels", to: entries.interview.id, target: .wholeEntry)
    _ = try journal.addMemo(about: theirs.id, text: "Buurtmoeders, ja.")
    _ = try journal.addMemo(about: "drempels", text: "Taal.")
    let unicode = try journal.record(
      EntryDraft(
        kind: .observation, body: OffsetTests.typed, neighbourhood: "Holendrecht",
        questions: ["RQ1"]))
    let retracted = try journal.record(
      EntryDraft(
        kind: .interview, body: "Ingetrokken.", neighbourhood: "Holendrecht", questions: ["RQ1"],
        fields: [("consent", "none")]))
    try journal.retract(retracted.id, reason: "dubbel")
    let family = try #require(unicode.body.scalarOffset(of: "👩‍👩‍👧"))
    // A network, drawn by /api/networks.
    try journal.addParticipant("P-090")
    try journal.recordConsent("P-090", form: .written, scopes: [.recording], date: "2024-01-01")
    try journal.addNetworkMember("P-090", member: "N-090-zus", role: .family, since: "2024-03-01")
    try journal.recordTie(
      "P-090", TieRecord(from: "N-090-zus", to: "P-090", kind: .support, strength: 2),
      day: "2024-03-02")

    return try await harness.run { client in
      var samples: [Sample] = []
      func add(_ reply: Reply, _ path: String?, _ schema: String? = nil) {
        samples.append(Sample(reply: reply, path: path, schema: schema))
        expectSecured(reply)
        #expect(reply.isJSON, "\(reply)")
      }
      let a = "a=Sanne%20de%20Vries&b=Ahmed%20Bakkali"
      add(try await client.get("/api/study"), "/api/study", "Study")
      add(try await client.get("/api/changes"), "/api/changes", "Changes")
      add(try await client.get("/api/networks"), "/api/networks", "Networks")
      add(try await client.get("/api/entries"), "/api/entries", "EntryList")
      add(try await client.get("/api/entries?q=voedselbank"), "/api/entries", "EntryList")
      add(
        try await client.get("/api/entries?include_retracted=true&limit=2&offset=1"),
        "/api/entries", "EntryList")
      add(try await client.get("/api/entries?kind=gedicht"), "/api/entries", "Error")
      add(try await client.get("/api/entries?neighbourhood=Nergens"), "/api/entries", "Error")
      add(try await client.get("/api/entries?coder=Niemand"), "/api/entries", "Error")
      for id in [koffie.id, entries.netwerk.shortID, unicode.id, entries.interview.id] {
        add(try await client.get("/api/entries/\(id)"), "/api/entries/{id}", "EntryView")
      }
      add(try await client.get("/api/entries/\(retracted.id)"), "/api/entries/{id}", "EntryView")
      add(try await client.get("/api/entries/ffffffff"), "/api/entries/{id}", "Error")
      add(try await client.get("/api/entries/zz"), "/api/entries/{id}", "Error")
      add(try await client.get("/api/codes"), "/api/codes", "Codes")
      add(
        try await client.post(
          "/api/codes",
          ["name": "nieuw", "parent": "samen leren", "description": "d", "color": "#123456"]),
        "/api/codes", "Code")
      add(try await client.post("/api/codes", ["name": "kaal"]), "/api/codes", "Code")
      add(
        try await client.post("/api/codes", ["name": "nieuw", "parent": "samen leren"]),
        "/api/codes")
      add(try await client.post("/api/codes", ["name": "x", "parent": "nergens"]), "/api/codes")
      add(
        try await client.post("/api/codes/rename", ["code": "nieuw", "name": "nieuwer"]),
        "/api/codes/rename", "Codes")
      add(
        try await client.post("/api/codes/rename", ["code": "nergens", "name": "x"]),
        "/api/codes/rename")
      add(
        try await client.post("/api/codes/move", ["code": "nieuwer", "parent": "schuring"]),
        "/api/codes/move", "Codes")
      add(
        try await client.post(
          "/api/codes/move", ["code": "samenwerking wijkteam", "parent": "nieuwer"]),
        "/api/codes/move")
      add(
        try await client.post("/api/codes/merge", ["code": "kaal", "into": "nieuwer"]),
        "/api/codes/merge", "Codes")
      add(try await client.post("/api/codes/merge", "{"), "/api/codes/merge", "Error")
      add(
        try await client.get("/api/segments?code=informele%20steun"), "/api/segments", "Segments")
      add(try await client.get("/api/segments?code=drempels"), "/api/segments", "Segments")
      add(try await client.get("/api/segments"), "/api/segments", "Error")
      add(try await client.get("/api/segments?code=nergens"), "/api/segments", "Error")

      let segment: [String: Any] = [
        "entry": unicode.id, "version": 1, "start": family, "end": family + 5,
        "quote": "👩‍👩‍👧", "code": "buurtmoeders", "memo": "Een gezin.",
      ]
      let created = try await client.post("/api/codings", segment)
      add(created, "/api/codings", "Coding")
      add(try await client.post("/api/codings", segment), "/api/codings", "Coding")
      add(
        try await client.post(
          "/api/codings", ["entry": entries.imam.id, "version": 1, "code": "samen leren"]),
        "/api/codings", "Coding")
      add(
        try await client.post(
          "/api/codings", segment.merging(["version": 3]) { $1 }), "/api/codings", "Error")
      add(
        try await client.post(
          "/api/codings", segment.merging(["quote": "nee"]) { $1 }), "/api/codings", "Error")
      add(
        try await client.post(
          "/api/codings", segment.merging(["code": "nergens"]) { $1 }), "/api/codings", "Error")
      add(
        try await client.post(
          "/api/codings",
          [
            "entry": entries.netwerk.id, "version": 1, "start": 0, "end": 6, "quote": "Moeder",
            "code": "buurtmoeders",
          ]), "/api/codings", "Error")
      add(try await client.post("/api/codings", "[1, 2"), "/api/codings", "Error")
      add(
        try await client.delete("/api/codings/\(try created.object().string("id") ?? "")"),
        "/api/codings/{id}", "Coding")
      add(try await client.delete("/api/codings/ffffffff"), "/api/codings/{id}", "Error")
      add(try await client.get("/api/memos"), "/api/memos", "Memos")
      add(try await client.get("/api/memos?about=drempels"), "/api/memos", "Memos")
      add(try await client.get("/api/memos?about=nergens"), "/api/memos", "Error")
      add(
        try await client.post("/api/memos", ["about": koffie.id, "text": "Een memo."]),
        "/api/memos", "Memo")
      add(
        try await client.post("/api/memos", ["about": "drempels", "text": "Over de code."]),
        "/api/memos", "Memo")
      add(try await client.post("/api/memos", ["about": koffie.id]), "/api/memos", "Error")
      add(try await client.get("/api/compare?\(a)"), "/api/compare", "Compare")
      add(try await client.get("/api/compare?\(a)&unit=entry"), "/api/compare", "Compare")
      add(
        try await client.get("/api/compare?\(a)&entry=\(koffie.shortID)"), "/api/compare",
        "Compare")
      // No entries coded: every statistic undefined, with its reason.
      add(
        try await client.get("/api/compare?\(a)&neighbourhood=Holendrecht&kind=interview"),
        "/api/compare", "Compare")
      add(try await client.get("/api/compare?a=Sanne%20de%20Vries"), "/api/compare", "Error")
      add(try await client.get("/api/compare?\(a)&unit=woord"), "/api/compare", "Error")
      add(
        try await client.post("/api/compare/adopt", ["coding": theirs.shortID]),
        "/api/compare/adopt", "Coding")
      add(
        try await client.post("/api/compare/adopt", ["coding": theirs.id]), "/api/compare/adopt",
        "Coding")
      add(
        try await client.post("/api/compare/adopt", ["coding": "ffffffff"]), "/api/compare/adopt",
        "Error")
      // The gate's refusals.
      add(try await client.get("/api/entries", token: .none), "/api/entries", "Error")
      add(try await client.get("/api/study", host: "evil.example:8123"), "/api/study", "Error")
      add(
        try await client.post("/api/memos", ["about": koffie.id, "text": "x"], origin: nil),
        "/api/memos", "Error")
      add(try await client.get("/api/nergens"), nil, "Error")
      try harness.expectVerifies()
      return samples
    }
  }
}

/// python3 with the yaml and jsonschema modules, run as a process.
enum Python {
  struct Failed: Error, CustomStringConvertible {
    var status: Int32
    var output: String
    var description: String { "python3 exited with \(status): \(output)" }
  }

  static func run(_ script: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw Failed(
        status: process.terminationStatus,
        output: text + String(decoding: errorData, as: UTF8.self))
    }
    return text
  }

  /// `routes DOC`: the documented routes and the document's own problems; `validate DOC MANIFEST`:
  /// each sample against its operation's schema for its status and/or a component schema.
  static let script = #"""
    import json, sys
    import yaml
    from jsonschema import Draft202012Validator

    mode, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    problems = []
    METHODS = ["get", "put", "post", "delete", "patch", "head", "options"]

    def pointer(ref):
        node = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def deref(node):
        while isinstance(node, dict) and "$ref" in node:
            node = pointer(node["$ref"])
        return node

    def validator(schema):
        root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": doc.get("components", {})}
        root.update(schema)
        return Draft202012Validator(root)

    if mode == "routes":
        if not str(doc.get("openapi", "")).startswith("3.1"):
            problems.append("not OpenAPI 3.1: %r" % doc.get("openapi"))
        schemes = doc.get("components", {}).get("securitySchemes", {})
        bearer = [n for n, s in schemes.items() if s.get("type") == "http" and s.get("scheme") == "bearer"]
        if not bearer:
            problems.append("no http bearer security scheme")
        def walk(node, where):
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and (not ref.startswith("#/") or pointer(ref) is None):
                    problems.append("%s: $ref %s is not found" % (where, ref))
                for key, value in node.items():
                    walk(value, where + "/" + str(key))
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    walk(value, "%s/%d" % (where, index))
        walk(doc, "#")
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            try:
                Draft202012Validator.check_schema(schema)
            except Exception as error:
                problems.append("schema %s is not valid: %s" % (name, error))
        routes = []
        for route, item in doc.get("paths", {}).items():
            for method in METHODS:
                op = item.get(method)
                if op is None:
                    continue
                name = "%s %s" % (method.upper(), route)
                routes.append(name)
                security = op.get("security", doc.get("security"))
                if not security or not any(bearer_name in s for s in security for bearer_name in bearer):
                    problems.append("%s: not behind the bearer token" % name)
                responses = op.get("responses", {})
                for status in ["401", "403"]:
                    if status not in responses:
                        problems.append("%s: no %s response" % (name, status))
                for status, response in responses.items():
                    response = deref(response) or {}
                    schema = response.get("content", {}).get("application/json", {}).get("schema")
                    if schema is None:
                        problems.append("%s: %s has no JSON schema" % (name, status))
                    elif int(status) >= 400 and schema != {"$ref": "#/components/schemas/Error"}:
                        problems.append("%s: %s is not an Error" % (name, status))
                parameters = [deref(p) or {} for p in op.get("parameters", []) + item.get("parameters", [])]
                origin = any(p.get("in") == "header" and p.get("name", "").lower() == "origin" and p.get("required") for p in parameters)
                if method != "get" and not origin:
                    problems.append("%s: a write without the required Origin header" % name)
                for part in route.split("/"):
                    if part.startswith("{") and not any(p.get("in") == "path" and "{%s}" % p.get("name") == part for p in parameters):
                        problems.append("%s: the path parameter %s is not described" % (name, part))
        print(json.dumps({"routes": routes, "problems": problems}))
    else:
        with open(sys.argv[3], encoding="utf-8") as f:
            samples = json.load(f)
        checked = {}
        for sample in samples:
            with open(sample["file"], encoding="utf-8") as f:
                try:
                    body = json.load(f)
                except ValueError as error:
                    problems.append("%s: not JSON: %s" % (sample["what"], error))
                    continue
            schemas = []
            if sample.get("path"):
                op = doc.get("paths", {}).get(sample["path"], {}).get(sample["method"].lower())
                if op is None:
                    problems.append("%s: %s %s is not documented" % (sample["what"], sample["method"], sample["path"]))
                else:
                    response = deref(op.get("responses", {}).get(str(sample["status"])))
                    if response is None:
                        problems.append("%s: the status %s is not documented for %s %s" % (
                            sample["what"], sample["status"], sample["method"], sample["path"]))
                    else:
                        schema = response.get("content", {}).get("application/json", {}).get("schema")
                        if schema is None:
                            problems.append("%s: no JSON schema documented" % sample["what"])
                        else:
                            schemas.append(("the operation", schema))
            if sample.get("schema"):
                if sample["schema"] not in doc.get("components", {}).get("schemas", {}):
                    problems.append("%s: no component schema %s" % (sample["what"], sample["schema"]))
                    continue
                schemas.append((sample["schema"], {"$ref": "#/components/schemas/" + sample["schema"]}))
            if sample.get("request") and sample.get("path"):
                op = doc.get("paths", {}).get(sample["path"], {}).get(sample["method"].lower()) or {}
                schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                if schema is None:
                    problems.append("%s: no request schema documented" % sample["what"])
                else:
                    with open(sample["request"], encoding="utf-8") as f:
                        sent = json.load(f)
                    for error in validator(schema).iter_errors(sent):
                        problems.append("%s: the request against its schema at %s: %s" % (sample["what"], error.json_path, error.message))
                    checked["requests"] = checked.get("requests", 0) + 1
            for name, schema in schemas:
                for error in validator(schema).iter_errors(body):
                    problems.append("%s: against %s at %s: %s" % (sample["what"], name, error.json_path, error.message))
                checked[name] = checked.get(name, 0) + 1
        print(json.dumps({"problems": problems, "checked": checked}))
    """#
}
