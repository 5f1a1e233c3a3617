// The HTML report's inline CSS and JavaScript (html_assets.h).
#include "report/html_assets.h"

namespace qir::report {

const char* const kHtmlStyle = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
h2 { font-size: 1.15em; margin: 1.5em 0 .5em; }
.meta, .legend { color: #555; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; text-align: left; }
#matrix td { min-width: 6em; }
.group { white-space: nowrap; margin: 1px 0; }
.mark { display: inline-block; width: 1.1em; color: #555; }
.r { display: inline-block; padding: 0 4px; margin: 1px; border-radius: 3px; color: #fff;
     font: 12px/1.5 ui-monospace, monospace; text-decoration: none; cursor: pointer; }
.succeeded { background: #2e7d32; }
.unsupported { background: #9e9e9e; }
.auto-unsupported { background: #f9a825; color: #222; outline: 1px dashed #8d6e00; }
.flaky { background: #9ccc65; color: #222; outline: 1px dashed #33691e; }
.failed { background: #c62828; }
/* The verdict column of the cells table: white on the dark verdict colours, as the badges. */
#cells td.succeeded, #cells td.unsupported, #cells td.failed { color: #fff; }
#filters div { margin: .2em 0; }
#filters .label { display: inline-block; width: 5em; color: #555; }
#filters button { margin: 1px; border: 1px solid #888; border-radius: 3px; background: #eee;
                  color: #999; cursor: pointer; font-size: 12px; }
#filters button.on, #filters button[data-reset] { background: #fff; color: #000; border-color: #333; }
#details { position: sticky; top: 0; background: #fffbe6; border: 1px solid #e0c200;
           padding: .5em 1em; margin: 1em 0; }
#details .reason, #cells .reason { white-space: pre-wrap; word-break: break-word; }
#cells td.links a { margin-right: .6em; white-space: nowrap; }
#cells td:nth-child(-n+3) { white-space: nowrap; }  /* server, client, test: "quic-go" unbroken */
#cells tr.selected { background: #fffbe6; }
[hidden] { display: none !important; }
)css";

const char* const kHtmlScript = R"js(
'use strict';
(function () {
  const KEYS = ['s', 'c', 't', 'v'];  // server, client, test, verdict

  // Filter state from the hash: key -> Set of shown values, or null when all are shown.
  function readState() {
    const params = new URLSearchParams(location.hash.slice(1));
    const state = { cell: params.get('cell') };
    for (const k of KEYS) {
      state[k] = params.has(k) ? new Set(params.get(k).split(',').filter(Boolean)) : null;
    }
    return state;
  }

  function writeState(state) {
    const parts = [];
    for (const k of KEYS) {
      if (state[k]) parts.push(k + '=' + [...state[k]].map(encodeURIComponent).join(','));
    }
    if (state.cell) parts.push('cell=' + encodeURIComponent(state.cell));
    location.hash = parts.join('&');  // the hashchange listener applies it
  }

  function allValues(k) {
    return [...document.querySelectorAll('#filters button[data-key="' + k + '"]')]
      .map(b => b.dataset.value);
  }

  function shown(state, el) {
    return KEYS.every(k => el.dataset[k] === undefined || !state[k] || state[k].has(el.dataset[k]));
  }

  function apply() {
    const state = readState();
    for (const b of document.querySelectorAll('#filters button[data-key]')) {
      b.classList.toggle('on', !state[b.dataset.key] || state[b.dataset.key].has(b.dataset.value));
    }
    for (const el of document.querySelectorAll('[data-s],[data-c],[data-t],[data-v]')) {
      el.hidden = !shown(state, el);
    }
    // A status line with no badge left is hidden too.
    for (const g of document.querySelectorAll('#matrix .group, #measurements .group')) {
      g.hidden = ![...g.querySelectorAll('.r')].some(r => !r.hidden);
    }
    showDetails(state.cell);
  }

  function showDetails(id) {
    const panel = document.getElementById('details');
    for (const tr of document.querySelectorAll('#cells tr.selected')) tr.classList.remove('selected');
    const row = id && document.getElementById('cell-' + id);
    if (!row) { panel.hidden = true; return; }
    row.classList.add('selected');
    const [server, client, test, verdict, duration, reason, links] = row.cells;
    panel.querySelector('.title').textContent =
      server.textContent + ' \u00d7 ' + client.textContent + ' \u2014 ' + test.textContent +
      ': ' + verdict.textContent + ' (' + duration.textContent + ')';
    panel.querySelector('.reason').textContent = reason.textContent || 'no reason given';
    panel.querySelector('.links').innerHTML = links.innerHTML;
    panel.hidden = false;
  }

  function toggle(button, only) {
    const state = readState();
    const k = button.dataset.key, all = allValues(k);
    let set = only ? new Set([button.dataset.value]) : new Set(state[k] || all);
    if (!only) {
      if (set.has(button.dataset.value)) set.delete(button.dataset.value);
      else set.add(button.dataset.value);
    }
    state[k] = set.size === all.length ? null : set;
    writeState(state);
  }

  document.addEventListener('click', ev => {
    const button = ev.target.closest('#filters button');
    if (button) {
      const state = readState();
      if (button.dataset.key) toggle(button, ev.shiftKey);
      else if (button.dataset.reset === 'all') writeState({ cell: state.cell });
      return;
    }
    const badge = ev.target.closest('a.r[data-cell]');
    if (badge) {
      ev.preventDefault();
      const state = readState();
      state.cell = state.cell === badge.dataset.cell ? null : badge.dataset.cell;
      writeState(state);
      return;
    }
    if (ev.target.closest('#details .close')) {
      const state = readState();
      state.cell = null;
      writeState(state);
    }
  });
  window.addEventListener('hashchange', apply);
  apply();
})();
)js";

}  // namespace qir::report
