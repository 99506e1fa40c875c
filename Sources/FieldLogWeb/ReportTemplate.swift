/// The report page's template and style, compiled in: no resource bundle, so the binary stays one
/// file and the page needs nothing beside itself.
enum ReportTemplate {
  static let page = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="generator" content="fieldlog report html">
    <title>{{study}}: fieldwork report</title>
    <style>
    {{{css}}}
    </style>
    </head>
    <body>
    <header>
    <h1>{{study}}</h1>
    {{#hasDescription}}<p class="description">{{description}}</p>{{/hasDescription}}
    <p class="lead">A fieldwork report written by <code>fieldlog report html</code> from the journal \
    state below. Every chart says what it counts, shows its numbers in a table, and names the \
    command that prints them. It shows counts only, no quotes from entries.</p>
    <dl class="state">
    <dt>Filters</dt><dd><code>{{filters}}</code></dd>
    <dt>Merkle root</dt><dd><code class="hash">{{root}}</code> \
    (as <code>fieldlog checkpoint</code> prints it)</dd>
    </dl>
    {{#hasHeads}}
    <table class="heads">
    <caption>The journal's feeds at this report: each feed's last event</caption>
    <thead><tr><th scope="col">feed</th><th scope="col">seq</th><th scope="col">head hash</th></tr></thead>
    <tbody>
    {{#heads}}<tr><td><code>{{feed}}</code></td><td class="n">{{seq}}</td><td><code class="hash">{{hash}}</code></td></tr>
    {{/heads}}
    </tbody>
    </table>
    {{/hasHeads}}
    <nav aria-label="Charts"><ol>
    {{#toc}}<li><a href="#{{id}}">{{title}}</a></li>
    {{/toc}}
    </ol></nav>
    </header>
    <main>
    {{#charts}}
    <section id="{{id}}">
    <h2>{{number}}. {{title}}</h2>
    <p class="answers">{{answers}}</p>
    {{#hasNote}}<p class="note">{{note}}</p>{{/hasNote}}
    {{#hasSVG}}<figure>
    {{{svg}}}
    </figure>{{/hasSVG}}
    <p class="command">The numbers: <code>{{command}}</code></p>
    <details>
    <summary>Data table ({{rowCount}} rows)</summary>
    <table class="data">
    <thead><tr>{{#columns}}<th scope="col">{{.}}</th>{{/columns}}</tr></thead>
    <tbody>
    {{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>
    {{/rows}}
    </tbody>
    </table>
    </details>
    </section>
    {{/charts}}
    </main>
    <footer>
    <p>Run the commands with <code>--journal FILE</code> when the journal is not the default. \
    Colours: the codebook's, else Okabe–Ito; patterns and numbers carry the same information in \
    greyscale.</p>
    </footer>
    </body>
    </html>

    """

  static let css = """
    :root { color: #111; background: #fff; }
    body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 14px; \
    line-height: 1.4; max-width: 800px; margin: 1.5em auto; padding: 0 12px; }
    h1 { font-size: 1.6em; margin: 0 0 .3em; }
    h2 { font-size: 1.25em; margin: 1.6em 0 .3em; border-bottom: 1px solid #999; }
    code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
    .hash { word-break: break-all; }
    .lead, .note, .description { color: #333; }
    .answers { font-style: italic; }
    dl.state { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
    dl.state dt { font-weight: bold; }
    dl.state dd { margin: 0; }
    table { border-collapse: collapse; font-size: 12px; margin: .5em 0; }
    th, td { border: 1px solid #bbb; padding: 2px 6px; text-align: left; vertical-align: top; }
    td.n { text-align: right; }
    caption { text-align: left; font-weight: bold; padding-bottom: .2em; }
    figure { margin: .6em 0; }
    figure svg { max-width: 100%; height: auto; display: block; }
    .command code { background: #f2f2f2; padding: 1px 4px; }
    details { margin: .4em 0 1em; }
    summary { cursor: pointer; }
    nav ol { columns: 2; margin: .5em 0; }
    footer { margin-top: 2em; font-size: 12px; color: #333; border-top: 1px solid #999; }
    @media print {
      @page { size: A4; margin: 15mm; }
      body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
      nav { display: none; }
      section { break-inside: auto; }
      h2 { break-after: avoid; }
      figure { break-inside: avoid; }
      a { color: inherit; text-decoration: none; }
    }
    """
}
