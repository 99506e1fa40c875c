import Foundation
import Hummingbird
import Mustache

/// The page and its two files. The page holds no study data (it is served without a token): the
/// script reads the token from the link's fragment and asks the API for everything.
enum Pages {
  static func add(to router: Router<BasicRequestContext>) {
    let page = shell
    router.get("/") { _, _ in
      file(page, type: "text/html; charset=utf-8")
    }
    router.get("/app.js") { _, _ in
      file(Assets.script, type: "text/javascript; charset=utf-8")
    }
    // Browsers ask for it unbidden; there is none.
    router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
    router.get("/app.css") { _, _ in
      file(Assets.style, type: "text/css; charset=utf-8")
    }
  }

  /// The page, rendered once from its template: the files' fingerprint makes a browser fetch them
  /// anew after an update.
  static let shell: String = {
    let template = try! MustacheTemplate(string: shellTemplate)
    let fingerprint = String(
      (Assets.script + Assets.style).utf8.reduce(
        UInt64(14_695_981_039_346_656_037)
      ) {
        ($0 ^ UInt64($1)) &* 1_099_511_628_211
      }, radix: 16)
    return template.render(["fingerprint": fingerprint])
  }()

  static func file(_ text: String, type: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = type
    return Response(
      status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  static let shellTemplate = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>fieldlog workspace</title>
    <link rel="stylesheet" href="/app.css?v={{fingerprint}}">
    <script src="/app.js?v={{fingerprint}}" defer></script>
    </head>
    <body>
    <header class="bar">
      <strong id="study">fieldlog</strong>
      <nav>
        <a href="#/entries" data-view="entries">Entries</a>
        <a href="#/codes" data-view="codes">Codes</a>
        <a href="#/compare" data-view="compare">Compare coders</a>
        <a href="#/networks" data-view="networks">Networks</a>
      </nav>
      <span id="me" class="me"></span>
      <span id="status" class="status" role="status" aria-live="polite"></span>
    </header>
    <button type="button" id="filters-toggle" class="filters-toggle" aria-controls="filters" aria-expanded="false">Filters</button>
    <form id="filters" class="filters" autocomplete="off">
      <label>Neighbourhood <select name="neighbourhood"></select></label>
      <label>Initiative <select name="initiative"></select></label>
      <label>Question <select name="question"></select></label>
      <label>Kind <select name="kind"></select></label>
      <label>Cycle <select name="cycle"></select></label>
      <label>Phase <select name="phase"></select></label>
      <label>Author <select name="author"></select></label>
      <label>Tag <input name="tag" size="8"></label>
      <label>Coder <select name="coder"></select></label>
      <label>Code <select name="code"></select></label>
      <label>Search <input name="q" type="search" size="14"></label>
    </form>
    <main id="main">
      <p class="empty" id="start">Loading…</p>
    </main>
    <dialog id="picker" aria-label="Choose a code">
      <form method="dialog" id="picker-form">
        <p id="picker-quote" class="quote"></p>
        <input id="picker-filter" placeholder="Type to filter codes; Enter applies" autocomplete="off">
        <ol id="picker-list" class="picker-list"></ol>
        <p class="hint">↑↓ choose · Enter apply · Esc cancel · <kbd>n</kbd> in the text makes a new code</p>
      </form>
    </dialog>
    <dialog id="prompt">
      <form method="dialog" id="prompt-form">
        <label id="prompt-label" for="prompt-input"></label>
        <textarea id="prompt-input" rows="4"></textarea>
        <menu><button value="cancel" type="button" id="prompt-cancel">Cancel</button>
        <button value="ok" id="prompt-ok">Save</button></menu>
      </form>
    </dialog>
    </body>
    </html>

    """#
}

/// The page's two files, embedded in the binary by the package (`.embedInCode`).
enum Assets {
  static let script = String(decoding: PackageResources.app_js, as: UTF8.self)
  static let style = String(decoding: PackageResources.app_css, as: UTF8.self)
}
