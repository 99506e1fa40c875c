// fieldlog workspace: the page's only script (no inline script; CSP default-src 'self').
// Every text from the journal is put into the page as text (textContent), never as markup.
// Offsets are Unicode scalars (code points), as the journal counts them; the page keeps none of
// its own: it reads them from the runs the server sends (span data-o).
'use strict';

(() => {
  const state = {
    token: null,
    study: null,
    codes: [],
    entries: [],
    total: 0,
    index: -1,
    view: null, // the entry shown: {entry, runs, codings, memos, codable}
    recent: [], // code paths, most recent first
    undo: [], // {label, run: async () => ...}
    changes: null,
    route: 'entries',
    codeShown: null,
  };
  const $ = (selector, root = document) => root.querySelector(selector);

  // ---- the token: read once from the link's fragment, kept for this tab only ----
  function takeToken() {
    const match = /(?:^#|&)token=([0-9a-f]{16,})/.exec(location.hash);
    if (match) {
      sessionStorage.setItem('fieldlog-token', match[1]);
      history.replaceState(null, '', location.pathname + '#/entries');
    }
    return sessionStorage.getItem('fieldlog-token');
  }

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = data.error || {};
      const error = new Error(detail.message || response.statusText);
      error.status = response.status;
      error.detail = detail;
      throw error;
    }
    // The page's own change is not news from elsewhere: note the journal's new state, so the
    // next poll does not redraw the view (and lose the caret) for it.
    if (method !== 'GET') {
      const now = await api('GET', '/api/changes').catch(() => null);
      if (now) state.changes = now.state;
    }
    return data;
  }

  // ---- building elements: text only ----
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') element.className = value;
      else if (key === 'dataset') Object.assign(element.dataset, value);
      else if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
      else element.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  let sayTimer = null;
  /** A message in the status line; news fades after ten seconds, errors stay until the next one. */
  function say(message, kind = 'info') {
    const status = $('#status');
    status.textContent = message;
    status.className = 'status ' + kind;
    clearTimeout(sayTimer);
    if (kind !== 'error') sayTimer = setTimeout(() => (status.textContent = ''), 10000);
  }

  function fail(error) {
    let message = error.message;
    if (error.detail && error.detail.hint) message += ' — ' + error.detail.hint;
    say(message, 'error');
  }

  // ---- code points and graphemes ----
  const codePoints = (text) => Array.from(text).length;

  function graphemeBounds(text) {
    const bounds = [0];
    if (typeof Intl !== 'undefined' && Intl.Segmenter) {
      let at = 0;
      for (const part of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
        at += codePoints(part.segment);
        bounds.push(at);
      }
    } else {
      for (let i = 1; i <= codePoints(text); i++) bounds.push(i);
    }
    return bounds;
  }

  function bodyText() {
    return state.view ? state.view.runs.map((run) => run.text).join('') : '';
  }

  /** The code-point offset of a DOM point inside the body, or null when it is outside. */
  function pointOffset(node, offset) {
    const body = $('#body');
    if (!body || !body.contains(node)) return null;
    if (node === body) {
      const spans = body.querySelectorAll('span[data-o]');
      if (offset < spans.length) return Number(spans[offset].dataset.o);
      return codePoints(bodyText());
    }
    if (node.nodeType === Node.TEXT_NODE) {
      const span = node.parentElement.closest('span[data-o]');
      return Number(span.dataset.o) + codePoints(node.data.slice(0, offset));
    }
    const span = node.closest('span[data-o]');
    if (!span) return null;
    return Number(span.dataset.o) + (offset > 0 ? codePoints(span.textContent) : 0);
  }

  /** The selection as {start, end, quote} in code points, snapped outward to whole graphemes and
   * without white space at either end; null when nothing in the body is selected. */
  function selectedSegment() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    let start = pointOffset(range.startContainer, range.startOffset);
    let end = pointOffset(range.endContainer, range.endOffset);
    if (start === null || end === null) return null;
    if (end < start) [start, end] = [end, start];
    const text = bodyText();
    const points = Array.from(text);
    while (start < end && /\s/u.test(points[start])) start++;
    while (end > start && /\s/u.test(points[end - 1])) end--;
    if (start >= end) return null;
    const bounds = graphemeBounds(text);
    start = Math.max(...bounds.filter((b) => b <= start));
    end = Math.min(...bounds.filter((b) => b >= end));
    return { start, end, quote: points.slice(start, end).join('') };
  }

  /** The offset of the caret (or the selection's start) in the body. */
  function caretOffset() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    return pointOffset(range.startContainer, range.startOffset);
  }

  // ---- colours ----
  const palette = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999'];
  function colourOf(path) {
    const code = state.codes.find((c) => c.path === path);
    if (code && code.colour) return code.colour;
    if (code && code.color) return code.color;
    let hash = 0;
    for (const ch of path) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    return palette[hash % palette.length];
  }

  // ---- filters ----
  const filterNames = ['neighbourhood', 'initiative', 'question', 'kind', 'cycle', 'phase', 'author', 'tag', 'coder', 'code', 'q'];

  function fillFilters() {
    const study = state.study;
    const options = {
      neighbourhood: study.neighbourhoods,
      initiative: study.initiatives.map((i) => i.name),
      question: study.questions.map((q) => q.id),
      kind: study.kinds,
      cycle: study.cycles,
      phase: study.phases,
      author: study.authors,
      coder: study.coders,
      code: state.codes.map((c) => c.path),
    };
    for (const [name, values] of Object.entries(options)) {
      const select = $(`#filters [name="${name}"]`);
      const current = select.value;
      select.replaceChildren(h('option', { value: '' }, 'all'), ...values.map((v) => h('option', { value: v }, v)));
      select.value = values.includes(current) ? current : '';
    }
    countFilters();
  }

  /** A query string as the server reads it: a space is %20 (a '+' would stay a plus). */
  const queryString = (query) => query.toString().replace(/\+/g, '%20');

  /** On a phone the filters fold away behind a button that says how many are set. */
  function showFilters(open) {
    $('#filters').classList.toggle('open', open);
    $('#filters-toggle').setAttribute('aria-expanded', String(open));
  }

  function countFilters() {
    const set = [...filterQuery().keys()].length;
    $('#filters-toggle').textContent = set ? `Filters · ${set} set` : 'Filters';
  }

  function filterQuery() {
    const form = $('#filters');
    const query = new URLSearchParams();
    for (const name of filterNames) {
      const value = form.elements[name].value.trim();
      if (value) query.set(name, value);
    }
    return query;
  }

  // ---- loading ----
  async function loadStudy() {
    state.study = await api('GET', '/api/study');
    $('#study').textContent = state.study.name;
    $('#me').textContent = state.study.me ? 'coding as ' + state.study.me : '';
    await loadCodes();
  }

  async function loadCodes() {
    state.codes = (await api('GET', '/api/codes')).codes;
    fillFilters();
    renderCodeTree();
  }

  async function loadEntries(keep) {
    const query = filterQuery();
    query.set('limit', '500');
    const list = await api('GET', '/api/entries?' + queryString(query));
    const shownID = state.view && state.view.entry.id;
    state.entries = list.entries;
    state.total = list.total;
    state.index = keep && shownID ? state.entries.findIndex((e) => e.id === shownID) : state.index;
    renderList();
  }

  /** The next page of the list, appended. */
  async function loadMore() {
    const query = filterQuery();
    query.set('limit', '500');
    query.set('offset', String(state.entries.length));
    const list = await api('GET', '/api/entries?' + queryString(query));
    state.entries = state.entries.concat(list.entries);
    state.total = list.total;
    renderList();
  }

  async function openEntry(id) {
    state.view = await api('GET', '/api/entries/' + encodeURIComponent(id));
    state.index = state.entries.findIndex((e) => e.id === state.view.entry.id);
    if (location.hash !== '#/entries/' + state.view.entry.id) {
      history.replaceState(null, '', '#/entries/' + state.view.entry.id);
    }
    renderList();
    renderReader();
    renderMemos();
  }

  async function refresh() {
    await loadCodes();
    await loadEntries(true);
    if (state.view) await openEntry(state.view.entry.id);
  }

  // ---- layout per route ----
  function layout(route) {
    state.route = route;
    for (const link of document.querySelectorAll('nav a')) {
      link.classList.toggle('current', link.dataset.view === route);
      if (link.dataset.view === route) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const main = $('#main');
    main.className = 'view-' + route;
    if (route === 'entries') {
      main.replaceChildren(
        h('section', { id: 'list', class: 'list', 'aria-label': 'Entries' }),
        h('section', { id: 'reader', class: 'reader', 'aria-label': 'Entry' }),
        h('aside', { id: 'side', class: 'side' }, codeTreeBox(), h('section', { id: 'memos', class: 'memos', 'aria-label': 'Memos' }))
      );
    } else if (route === 'codes') {
      main.replaceChildren(
        h('aside', { id: 'side', class: 'side wide' }, codeTreeBox()),
        h('section', { id: 'segments', class: 'segments', 'aria-label': 'Coded segments' }),
        h('section', { id: 'memos', class: 'memos', 'aria-label': 'Memos' })
      );
    } else if (route === 'networks') {
      main.replaceChildren(h('section', { id: 'networks', class: 'networks', 'aria-label': 'Networks' }));
    } else {
      main.replaceChildren(h('section', { id: 'compare', class: 'compare', 'aria-label': 'Compare coders' }));
    }
  }

  function codeTreeBox() {
    return h(
      'section',
      { class: 'codetree', 'aria-label': 'Codes' },
      h('h3', {}, 'Codes'),
      h('input', {
        id: 'code-filter',
        type: 'search',
        placeholder: 'Filter codes',
        'aria-label': 'Filter codes',
        oninput: renderCodeTree,
      }),
      h('ul', { id: 'tree', class: 'tree' }),
      h('button', { type: 'button', onclick: () => newCode(false) }, 'New code')
    );
  }

  // ---- the entry list ----
  function renderList() {
    const list = $('#list');
    if (!list) return;
    const items = state.entries.map((entry, index) =>
      h(
        'li',
        {
          class: 'item' + (index === state.index ? ' current' : ''),
          dataset: { id: entry.id },
          onclick: () => openEntry(entry.id).catch(fail),
        },
        h('span', { class: 'title' }, entry.title),
        h(
          'span',
          { class: 'meta' },
          [entry.kind, entry.neighbourhood, entry.occurred_at.slice(0, 10)].join(' · '),
          entry.withheld ? h('span', { class: 'badge withheld' }, 'withheld') : null,
          entry.codings ? h('span', { class: 'badge', title: 'codings' }, String(entry.codings)) : null
        ),
        entry.snippet ? h('span', { class: 'snippet' }, entry.snippet) : null
      )
    );
    list.replaceChildren(
      ...[
      h('p', { class: 'count' }, `${state.total} entr${state.total === 1 ? 'y' : 'ies'}` + (state.total > state.entries.length ? `, first ${state.entries.length} shown` : '')),
      h('ol', { class: 'entries' }, items),
      state.total > state.entries.length ? h('button', { type: 'button', class: 'more', onclick: () => loadMore().catch(fail) }, 'Show 500 more') : null,
      ].filter(Boolean)
    );
    const current = list.querySelector('.current');
    if (current) current.scrollIntoView({ block: 'nearest' });
  }

  // ---- the reader ----
  function renderReader() {
    const reader = $('#reader');
    if (!reader) return;
    const view = state.view;
    if (!view) {
      reader.replaceChildren(h('p', { class: 'empty' }, state.entries.length ? 'Choose an entry (j/k).' : 'No entries match.'));
      return;
    }
    const entry = view.entry;
    const whole = view.codings.filter((c) => c.start === null || c.start === undefined);
    const coverage = new Map();
    for (const coding of view.codings) {
      if (coding.orphaned || coding.start === null || coding.start === undefined) continue;
      for (const run of view.runs) {
        if (run.o >= coding.start && run.o < coding.end) coverage.set(run.o, (coverage.get(run.o) || 0) + 1);
      }
    }
    const body = h(
      'div',
      { id: 'body', class: 'body' + (view.codable ? '' : ' withheld'), tabindex: '0', 'aria-label': 'Entry text' },
      view.runs.map((run) =>
        h('span', { dataset: { o: String(run.o) }, class: coverage.get(run.o) ? 'coded c' + Math.min(coverage.get(run.o), 3) : null }, run.text)
      )
    );
    reader.replaceChildren(
      h(
        'header',
        {},
        h('h2', {}, entry.title),
        h(
          'p',
          { class: 'meta' },
          [entry.kind, entry.neighbourhood, entry.initiative, entry.occurred_at.replace('T', ' ').slice(0, 16), entry.author, 'version ' + entry.version]
            .filter(Boolean)
            .join(' · ')
        ),
        h('p', { class: 'meta' }, (entry.questions || []).join(', '), (entry.tags || []).length ? ' · #' + entry.tags.join(' #') : ''),
        entry.withheld ? h('p', { class: 'notice' }, 'The text is withheld on these pages: ' + entry.withheld + '. The whole entry can still be coded.') : null,
        h(
          'p',
          { class: 'whole' },
          'Whole entry: ',
          whole.length ? whole.map((c) => chip(c)) : h('span', { class: 'none' }, 'none'),
          ' ',
          h('button', { type: 'button', onclick: () => openPicker({ whole: true }) }, 'Code whole entry (w)')
        )
      ),
      h('div', { class: 'doc' }, h('div', { id: 'stripes', class: 'stripes', 'aria-hidden': 'true' }), body),
      h('p', { class: 'keys' }, 'Select text, then c or Enter: code · 1–9 recent codes · n new code · m memo · u remove coding at cursor · z undo · j/k next/previous'),
      h('h3', {}, 'Codings'),
      h(
        'ul',
        { class: 'codings' },
        view.codings.map((coding) =>
          h(
            'li',
            { dataset: { coding: coding.id } },
            chip(coding),
            coding.quote ? h('q', {}, coding.quote) : h('span', { class: 'none' }, 'whole entry'),
            h('span', { class: 'meta' }, ' ' + coding.coder + (coding.orphaned ? ' · orphaned' : '')),
            h('button', { type: 'button', class: 'small', onclick: () => removeCoding(coding).catch(fail), 'aria-label': 'Remove coding ' + coding.code_path }, 'remove'),
            h('button', { type: 'button', class: 'small', onclick: () => memo(coding.id, 'the coding ' + coding.code_path).catch(fail) }, 'memo')
          )
        )
      )
    );
    requestAnimationFrame(drawStripes);
  }

  function chip(coding) {
    const element = h('span', { class: 'chip', title: coding.code_path + ' — ' + coding.coder }, coding.code);
    element.style.borderColor = colourOf(coding.code_path);
    return element;
  }

  /** One stripe per coded segment in the margin, in lanes, so overlapping codings stay visible. */
  function drawStripes() {
    const stripes = $('#stripes');
    const body = $('#body');
    if (!stripes || !body || !state.view) return;
    const origin = stripes.getBoundingClientRect();
    const segments = state.view.codings
      .filter((c) => !c.orphaned && c.start !== null && c.start !== undefined)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const laneEnds = [];
    const drawn = [];
    for (const coding of segments) {
      const spans = [...body.querySelectorAll('span[data-o]')].filter((s) => {
        const o = Number(s.dataset.o);
        return o >= coding.start && o < coding.end;
      });
      if (!spans.length) continue;
      const rects = spans.flatMap((s) => [...s.getClientRects()]);
      const top = Math.min(...rects.map((r) => r.top)) - origin.top;
      const bottom = Math.max(...rects.map((r) => r.bottom)) - origin.top;
      let lane = laneEnds.findIndex((end) => end <= top);
      if (lane < 0) lane = laneEnds.length;
      laneEnds[lane] = bottom + 1;
      const stripe = h('div', {
        class: 'stripe',
        title: coding.code_path + ' — ' + coding.coder,
        dataset: { coding: coding.id, code: coding.code_path, coder: coding.coder },
      });
      stripe.style.top = top + 'px';
      stripe.style.height = Math.max(bottom - top, 4) + 'px';
      stripe.style.right = lane * 7 + 'px';
      stripe.style.background = colourOf(coding.code_path);
      drawn.push(stripe);
    }
    stripes.style.width = Math.max(laneEnds.length * 7, 7) + 'px';
    stripes.replaceChildren(...drawn);
  }

  // ---- coding ----
  let pending = null; // what the picker will code: {segment} or {whole: true}

  function openPicker(target) {
    if (!state.view) return say('Choose an entry first.', 'error');
    const segment = target.whole ? null : selectedSegment();
    if (!target.whole && !segment) return say('Select some text of the entry first (or press w to code the whole entry).', 'error');
    if (segment && !state.view.codable) return say('This text cannot be coded here; code the whole entry.', 'error');
    pending = { segment, entry: state.view.entry.id, version: state.view.entry.version };
    $('#picker-quote').textContent = segment ? '“' + segment.quote + '”' : 'The whole entry: ' + state.view.entry.title;
    $('#picker-filter').value = '';
    renderPicker();
    $('#picker').showModal();
    $('#picker-filter').focus();
  }

  const fold = (text) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

  function pickerChoices() {
    const wanted = fold($('#picker-filter').value.trim());
    const codes = state.codes.map((c) => c.path).filter((p) => !wanted || fold(p).includes(wanted));
    const recent = state.recent.filter((p) => codes.includes(p));
    return [...recent, ...codes.filter((p) => !recent.includes(p))];
  }

  let pickerIndex = 0;
  function renderPicker() {
    const choices = pickerChoices();
    const typed = $('#picker-filter').value.trim();
    pickerIndex = Math.min(pickerIndex, Math.max(choices.length - (typed ? 0 : 1), 0));
    const items = choices.map((path, index) =>
      h('li', { class: index === pickerIndex ? 'current' : null, dataset: { path }, onclick: () => choose(path) }, h('span', { class: 'swatch' }), path)
    );
    for (const item of items) item.firstChild.style.background = colourOf(item.dataset.path);
    if (typed && !state.codes.some((c) => c.path === typed || c.name === typed)) {
      items.push(h('li', { class: choices.length === pickerIndex ? 'current new' : 'new', dataset: { create: typed }, onclick: () => choose(null, typed) }, '+ New code “' + typed + '”'));
    }
    $('#picker-list').replaceChildren(...items);
  }

  async function choose(path, create) {
    const target = pending;
    pending = null;
    $('#picker').close();
    if (!target) return;
    try {
      if (create) path = await defineCode(create);
      await applyCode(path, target);
    } catch (error) {
      fail(error);
    }
  }

  async function defineCode(name, parent) {
    const code = await api('POST', '/api/codes', parent ? { name, parent } : { name });
    await loadCodes();
    say('New code ' + code.path + '.');
    return code.path;
  }

  async function applyCode(path, target) {
    const body = { entry: target.entry, version: target.version, code: path };
    if (target.segment) Object.assign(body, target.segment);
    try {
      const coding = await api('POST', '/api/codings', body);
      state.recent = [path, ...state.recent.filter((p) => p !== path)].slice(0, 9);
      if (!coding.already_applied) {
        state.undo.push({ label: 'coding ' + path, run: () => api('DELETE', '/api/codings/' + coding.id) });
        say('Coded ' + (target.segment ? '“' + short(target.segment.quote) + '”' : 'the whole entry') + ' as ' + path + '.');
      } else {
        say('You had coded this as ' + path + ' already.');
      }
    } catch (error) {
      if (error.status === 409) {
        say(error.message + ' The entry was reloaded: select the text again.', 'error');
      } else {
        throw error;
      }
    }
    await openEntry(target.entry);
    await refreshCounts();
  }

  async function refreshCounts() {
    await loadCodes();
    await loadEntries(true);
  }

  const short = (text) => (Array.from(text).length > 40 ? Array.from(text).slice(0, 40).join('') + '…' : text);

  async function removeCoding(coding) {
    const removed = await api('DELETE', '/api/codings/' + coding.id);
    const segment = removed.start === null || removed.start === undefined ? null : { start: removed.start, end: removed.end, quote: removed.quote };
    state.undo.push({
      label: 'removing ' + removed.code_path,
      run: async () => {
        const entry = await api('GET', '/api/entries/' + removed.entry);
        const body = { entry: removed.entry, version: entry.entry.version, code: removed.code_path };
        if (segment) Object.assign(body, segment);
        return api('POST', '/api/codings', body);
      },
    });
    say('Removed the coding ' + removed.code_path + ' (z undoes it).');
    await openEntry(removed.entry);
    await refreshCounts();
  }

  /** The codings that cover the caret, shortest first. */
  function codingsAtCaret() {
    const at = caretOffset();
    if (at === null || !state.view) return [];
    return state.view.codings
      .filter((c) => c.start !== null && c.start !== undefined && !c.orphaned && c.start <= at && at < c.end)
      .sort((a, b) => a.end - a.start - (b.end - b.start));
  }

  async function undo() {
    const step = state.undo.pop();
    if (!step) return say('Nothing to undo.');
    await step.run();
    say('Undid ' + step.label + '.');
    await refresh();
  }

  // ---- memos ----
  function ask(label, initial = '') {
    return new Promise((resolve) => {
      const dialog = $('#prompt');
      $('#prompt-label').textContent = label;
      const input = $('#prompt-input');
      input.value = initial;
      const done = (value) => {
        dialog.close();
        resolve(value);
      };
      $('#prompt-ok').onclick = (event) => {
        event.preventDefault();
        done(input.value.trim() || null);
      };
      $('#prompt-cancel').onclick = () => done(null);
      dialog.oncancel = () => resolve(null);
      dialog.showModal();
      input.focus();
    });
  }

  async function memo(about, what) {
    const text = await ask('A memo about ' + what + ':');
    if (!text) return;
    await api('POST', '/api/memos', { about, text });
    say('Memo added to ' + what + '.');
    if (state.view) await openEntry(state.view.entry.id);
    else renderMemos();
  }

  function renderMemos(extra) {
    const panel = $('#memos');
    if (!panel) return;
    const memos = extra || (state.view ? state.view.memos : []);
    const about = extra ? 'this code' : state.view ? 'this entry, its codings and their codes' : null;
    panel.replaceChildren(
      ...[
      h('h3', {}, 'Memos'),
      about ? h('p', { class: 'meta' }, 'On ' + about) : h('p', { class: 'empty' }, 'Choose an entry.'),
      h(
        'ul',
        { class: 'memo-list' },
        memos.map((m) => h('li', {}, h('p', { class: 'memo-text' }, m.text), h('p', { class: 'meta' }, m.author + ' · ' + m.time.slice(0, 16).replace('T', ' ') + ' · on ' + (m.about_kind === 'code' ? m.about_path : m.about_kind))))
      ),
      state.view && !extra ? h('button', { type: 'button', onclick: () => memo(state.view.entry.id, 'this entry').catch(fail) }, 'Memo on this entry (m)') : null,
      ].filter(Boolean)
    );
  }

  // ---- the code tree ----
  function renderCodeTree() {
    const tree = $('#tree');
    if (!tree) return;
    const wanted = fold(($('#code-filter') || { value: '' }).value.trim());
    const shown = state.codes.filter((c) => !wanted || fold(c.path).includes(wanted));
    tree.replaceChildren(
      ...shown.map((code) => {
        const swatch = h('span', { class: 'swatch' });
        swatch.style.background = colourOf(code.path);
        const item = h(
          'li',
          { class: state.codeShown === code.path ? 'current' : null },
          h('a', { href: '#/codes?code=' + encodeURIComponent(code.path), title: code.description || code.path }, swatch, code.name),
          h('span', { class: 'count', title: 'codings · entries' }, code.codings + ' · ' + code.entries)
        );
        item.style.paddingLeft = code.depth * 14 + 'px';
        return item;
      })
    );
    if (!shown.length) tree.replaceChildren(h('li', { class: 'empty' }, state.codes.length ? 'No code matches.' : 'No codes yet.'));
  }

  async function newCode(applyToSelection) {
    const name = await ask('The new code’s name (a/b puts it under a):');
    if (!name) return;
    const parts = name.split('/');
    const path = await defineCode(parts.pop().trim(), parts.length ? parts.join('/') : undefined);
    if (applyToSelection && state.view) {
      const segment = selectedSegment();
      if (segment) await applyCode(path, { segment, entry: state.view.entry.id, version: state.view.entry.version });
    }
  }

  async function showCode(path) {
    state.codeShown = path;
    renderCodeTree();
    const panel = $('#segments');
    const code = state.codes.find((c) => c.path === path);
    if (!code) {
      panel.replaceChildren(h('p', { class: 'empty' }, 'Choose a code on the left to see every segment coded with it.'));
      renderMemos([]);
      return;
    }
    const [segments, memos] = await Promise.all([api('GET', '/api/segments?code=' + encodeURIComponent(path)), api('GET', '/api/memos?about=' + encodeURIComponent(path))]);
    panel.replaceChildren(
      h('h2', {}, code.path),
      code.description ? h('p', { class: 'meta' }, code.description) : null,
      h(
        'p',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => renameCode(code).catch(fail) }, 'Rename'),
        h('button', { type: 'button', onclick: () => moveCode(code).catch(fail) }, 'Move'),
        h('button', { type: 'button', onclick: () => mergeCode(code).catch(fail) }, 'Merge into…'),
        h('button', { type: 'button', onclick: () => memo(code.path, 'the code ' + code.path).then(() => showCode(code.path)).catch(fail) }, 'Memo')
      ),
      h('p', { class: 'count' }, segments.segments.length + ' coded segment' + (segments.segments.length === 1 ? '' : 's')),
      h(
        'ol',
        { class: 'segment-list' },
        segments.segments.map((s) =>
          h(
            'li',
            {},
            h('a', { href: '#/entries/' + s.entry }, s.title || s.entry.slice(0, 8)),
            h('span', { class: 'meta' }, ' ' + [s.kind, s.neighbourhood, s.coder].filter(Boolean).join(' · ')),
            h('p', { class: 'context' }, marked(s.context, s.quote))
          )
        )
      )
    );
    renderMemos(memos.memos);
  }

  /** The context with the coded words marked (as text: nothing is parsed as markup). */
  function marked(context, quote) {
    if (!context) return quote || 'whole entry';
    const flat = (quote || '').split(/\s+/).join(' ');
    const at = flat ? context.indexOf(flat) : -1;
    if (at < 0) return context;
    return [context.slice(0, at), h('mark', {}, flat), context.slice(at + flat.length)];
  }

  async function renameCode(code) {
    const name = await ask('A new name for ' + code.path + ':', code.name);
    if (!name) return;
    await api('POST', '/api/codes/rename', { code: code.path, name });
    await loadCodes();
    const renamed = state.codes.find((c) => c.id === code.id);
    location.hash = '#/codes?code=' + encodeURIComponent(renamed ? renamed.path : name);
  }

  async function moveCode(code) {
    const parent = await ask('Move ' + code.path + ' under which code? (leave empty for the top)', '');
    await api('POST', '/api/codes/move', { code: code.path, parent: parent || null });
    await loadCodes();
    const moved = state.codes.find((c) => c.id === code.id);
    location.hash = '#/codes?code=' + encodeURIComponent(moved ? moved.path : code.path);
  }

  async function mergeCode(code) {
    const into = await ask('Merge ' + code.path + ' into which code? Its codings move there.');
    if (!into) return;
    await api('POST', '/api/codes/merge', { code: code.path, into });
    await loadCodes();
    location.hash = '#/codes?code=' + encodeURIComponent(into);
  }

  // ---- compare coders ----
  async function renderCompare() {
    const panel = $('#compare');
    const coders = state.study.coders;
    const select = (name, chosen) => h('select', { name, 'aria-label': 'Coder ' + name.toUpperCase() }, coders.map((c) => h('option', { value: c, selected: c === chosen }, c)));
    const form = h(
      'form',
      { class: 'compare-form', onsubmit: (event) => { event.preventDefault(); runCompare().catch(fail); } },
      h('label', {}, 'Coder A ', select('a', coders[0])),
      h('label', {}, 'Coder B ', select('b', coders[1] || coders[0])),
      h('label', {}, 'Agreement per ', h('select', { name: 'unit' }, h('option', { value: 'character' }, 'character'), h('option', { value: 'entry' }, 'entry'))),
      state.view ? h('label', {}, h('input', { type: 'checkbox', name: 'one' }), ' only “' + short(state.view.entry.title) + '”') : null,
      h('button', { type: 'submit' }, 'Compare')
    );
    panel.replaceChildren(h('h2', {}, 'Compare coders'), h('p', { class: 'meta' }, 'On the entries the filters choose, that either coder coded.'), form, h('div', { id: 'compared' }));
    if (coders.length >= 2) await runCompare();
    else $('#compared').replaceChildren(h('p', { class: 'empty' }, 'Only one coder has coded so far.'));
  }

  /** A statistic as the API sends it: a number, or null when it is not defined for these units. */
  const stat = (value) => (typeof value === 'number' ? value.toFixed(2) : '—');

  async function runCompare() {
    const form = $('.compare-form');
    const query = filterQuery();
    query.delete('coder');
    query.set('a', form.elements.a.value);
    query.set('b', form.elements.b.value);
    query.set('unit', form.elements.unit.value);
    if (form.elements.one && form.elements.one.checked && state.view) query.set('entry', state.view.entry.id);
    const result = await api('GET', '/api/compare?' + queryString(query));
    const [a, b] = result.coders;
    const agreement = result.agreement;
    const table = h(
      'table',
      { class: 'agreement' },
      h('thead', {}, h('tr', {}, h('th', {}, 'code'), h('th', {}, 'units'), h('th', {}, '% agree'), h('th', {}, 'κ'), h('th', {}, 'α'))),
      h(
        'tbody',
        {},
        h('tr', { class: 'overall' }, h('td', {}, 'all codes'), h('td', {}, agreement.units), h('td', {}, stat(agreement.percent_agreement)), h('td', {}, stat(agreement.cohen_kappa)), h('td', {}, stat(agreement.krippendorff_alpha))),
        (agreement.per_code || []).map((p) => h('tr', {}, h('td', {}, p.code), h('td', {}, p.units), h('td', {}, stat(p.percent_agreement)), h('td', {}, stat(p.cohen_kappa)), h('td', {}, stat(p.krippendorff_alpha))))
      )
    );
    const entries = result.entries.map((item) => {
      const column = (who, codings) => h('div', { class: 'column' }, h('h4', {}, who), h('ul', {}, codings.length ? codings.map((c) => h('li', {}, chip(c), c.quote ? h('q', {}, c.quote) : ' whole entry')) : h('li', { class: 'none' }, 'nothing')));
      return h(
        'article',
        { class: 'compared-entry' },
        h('h3', {}, h('a', { href: '#/entries/' + item.entry.id }, item.entry.title)),
        h('div', { class: 'columns' }, column('A: ' + a, item.a), column('B: ' + b, item.b)),
        item.disagreements.length
          ? h(
              'ul',
              { class: 'disagreements' },
              item.disagreements.map((d) =>
                h(
                  'li',
                  {},
                  'Only ' + (d.only === 'a' ? a : b) + ': ',
                  chip(d.coding),
                  d.coding.quote ? h('q', {}, d.coding.quote) : ' whole entry',
                  ' ',
                  // Adopting records the coding as the journal's author: one's own needs no adopting.
                  d.coding.coder === state.study.me
                    ? null
                    : h('button', { type: 'button', class: 'small', onclick: () => adopt(d.coding).catch(fail) }, 'adopt ' + (d.only === 'a' ? 'A' : 'B'))
                )
              )
            )
          : h('p', { class: 'agree' }, 'They agree on this entry.')
      );
    });
    $('#compared').replaceChildren(h('div', { class: 'table-scroll' }, table), h('p', { class: 'count' }, result.entries.length + ' entries, ' + result.entries.reduce((n, e) => n + e.disagreements.length, 0) + ' disagreements'), ...entries);
  }

  async function adopt(coding) {
    const adopted = await api('POST', '/api/compare/adopt', { coding: coding.id });
    say(adopted.already_applied ? 'You had this coding already.' : 'Adopted ' + coding.code_path + ' as ' + adopted.coder + '.');
    if (!adopted.already_applied) state.undo.push({ label: 'adopting ' + coding.code_path, run: () => api('DELETE', '/api/codings/' + adopted.id) });
    await loadCodes();
    await runCompare();
  }

  // ---- networks ----
  // Each participant's ecogram, as `fieldlog network draw` writes it. The SVG is parsed as XML
  // and imported as nodes (never as HTML), so nothing in it can run.
  async function renderNetworks() {
    const box = $('#networks');
    const networks = await api('GET', '/api/networks');
    if (!networks.length) {
      box.replaceChildren(
        h('p', { class: 'empty' }, 'No networks yet. Add one with: fieldlog network member add P-017 N-017-dochter --role family')
      );
      return;
    }
    box.replaceChildren(
      ...networks.map((network) => {
        const figure = h('figure', { class: 'ecogram' });
        if (network.svg) {
          const parsed = new DOMParser().parseFromString(network.svg, 'image/svg+xml');
          if (parsed.documentElement.nodeName === 'svg') figure.append(document.importNode(parsed.documentElement, true));
        } else {
          figure.append(h('p', { class: 'withheld' }, 'The drawing is withheld: it holds a real name from the key file.'));
        }
        figure.append(
          h('figcaption', {}, `${network.network} on ${network.date}: ${network.members} members, ${network.ties} ties`)
        );
        return h('article', { class: 'network' }, h('h2', {}, `Network of ${network.network}`), figure);
      })
    );
  }

  // ---- routing ----
  async function route() {
    const hash = location.hash || '#/entries';
    try {
      if (hash.startsWith('#/codes')) {
        if (state.route !== 'codes' || !$('#segments')) layout('codes');
        renderCodeTree();
        const code = new URLSearchParams(hash.split('?')[1] || '').get('code');
        await showCode(code);
      } else if (hash.startsWith('#/networks')) {
        state.codeShown = null;
        layout('networks');
        await renderNetworks();
      } else if (hash.startsWith('#/compare')) {
        state.codeShown = null;
        layout('compare');
        await renderCompare();
      } else {
        state.codeShown = null;
        if (state.route !== 'entries' || !$('#reader')) layout('entries');
        renderCodeTree();
        await loadEntries(true);
        const id = hash.startsWith('#/entries/') ? decodeURIComponent(hash.slice('#/entries/'.length)) : null;
        if (id) await openEntry(id);
        else if (state.entries.length && !state.view) await openEntry(state.entries[0].id);
        else {
          renderReader();
          renderMemos();
        }
      }
    } catch (error) {
      fail(error);
    }
  }

  // ---- keys ----
  function typing(event) {
    const target = event.target;
    return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
  }

  async function step(delta) {
    if (!state.entries.length) return;
    const next = Math.min(Math.max(state.index + delta, 0), state.entries.length - 1);
    if (next !== state.index || !state.view) await openEntry(state.entries[next].id);
  }

  async function onKey(event) {
    if ($('#picker').open) return pickerKey(event);
    if ($('#prompt').open || typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (state.route !== 'entries') return;
    const key = event.key;
    const actions = {
      j: () => step(1),
      k: () => step(-1),
      c: () => openPicker({}),
      Enter: () => (selectedSegment() ? openPicker({}) : null),
      w: () => openPicker({ whole: true }),
      n: () => newCode(true),
      m: () => {
        const [coding] = codingsAtCaret();
        return coding ? memo(coding.id, 'the coding ' + coding.code_path) : state.view ? memo(state.view.entry.id, 'this entry') : null;
      },
      u: () => {
        const [coding] = codingsAtCaret();
        return coding ? removeCoding(coding) : say('Put the cursor (or select) inside a coded segment to remove its coding.', 'error');
      },
      z: () => undo(),
      '/': () => {
        showFilters(true);
        $('#filters [name="q"]').focus();
      },
    };
    if (/^[1-9]$/.test(key)) {
      const path = state.recent[Number(key) - 1];
      if (!path) return say('No recent code ' + key + ' yet.', 'error');
      const segment = selectedSegment();
      if (!segment || !state.view) return say('Select some text first.', 'error');
      event.preventDefault();
      return applyCode(path, { segment, entry: state.view.entry.id, version: state.view.entry.version }).catch(fail);
    }
    const action = actions[key];
    if (!action) return;
    event.preventDefault();
    try {
      await action();
    } catch (error) {
      fail(error);
    }
  }

  function pickerKey(event) {
    const items = $('#picker-list').children.length;
    if (event.key === 'ArrowDown') {
      pickerIndex = Math.min(pickerIndex + 1, items - 1);
    } else if (event.key === 'ArrowUp') {
      pickerIndex = Math.max(pickerIndex - 1, 0);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const item = $('#picker-list').children[pickerIndex];
      if (item) {
        if (item.dataset.create) choose(null, item.dataset.create);
        else choose(item.dataset.path);
      }
      return;
    } else {
      return;
    }
    event.preventDefault();
    renderPicker();
  }

  // ---- live enough: what another terminal changed appears within seconds ----
  async function poll() {
    if (document.hidden || $('#picker').open || $('#prompt').open) return;
    try {
      const { state: now } = await api('GET', '/api/changes');
      if (state.changes !== null && now !== state.changes) {
        const selection = window.getSelection();
        if (selection && !selection.isCollapsed && $('#body') && $('#body').contains(selection.anchorNode)) return;
        state.changes = now;
        say('The journal changed; the view was brought up to date.');
        await refresh();
        if (state.route === 'codes') await route();
        return;
      }
      state.changes = now;
    } catch (error) {
      if (error.status === 401) say('The server was restarted: open the new link it printed.', 'error');
    }
  }

  // ---- start ----
  async function start() {
    state.token = takeToken();
    if (!state.token) {
      $('#start').textContent = 'Open this page with the link that “fieldlog serve” printed (it carries the key to this journal).';
      return;
    }
    try {
      await loadStudy();
    } catch (error) {
      $('#start').textContent = error.status === 401 ? 'This link is from an earlier start of “fieldlog serve”: open the link it printed last.' : error.message;
      return;
    }
    $('#filters').addEventListener('change', () => loadEntries(false).then(() => (state.route === 'compare' ? renderCompare() : null)).catch(fail));
    let typingTimer = null;
    $('#filters').addEventListener('input', (event) => {
      if (event.target.name !== 'q' && event.target.name !== 'tag') return;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => loadEntries(false).catch(fail), 300);
    });
    $('#filters').addEventListener('submit', (event) => event.preventDefault());
    $('#filters').addEventListener('change', countFilters);
    $('#filters').addEventListener('input', countFilters);
    $('#filters-toggle').addEventListener('click', () => showFilters(!$('#filters').classList.contains('open')));
    $('#picker-filter').addEventListener('input', () => {
      pickerIndex = 0;
      renderPicker();
    });
    $('#picker').addEventListener('close', () => (pending = null));
    document.addEventListener('keydown', (event) => {
      onKey(event);
    });
    window.addEventListener('hashchange', route);
    window.addEventListener('resize', () => requestAnimationFrame(drawStripes));
    await route();
    setInterval(poll, 3000);
    poll();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
