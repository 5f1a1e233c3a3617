// Browser checks of qir's HTML report (driven by html_report_chromium.sh):
//   node html_report_chromium.mjs INDEX.html RESULT.json [SCREENSHOT.png]
// Loads INDEX.html from file:// in headless Chromium (playwright-core with Debian's
// /usr/bin/chromium; playwright-core is found in $QIR_NODE_MODULES or $NODE_PATH) and checks it
// against RESULT.json: the number of cells in the matrix and in the cells table, each cell's
// verdict in both, the header's counts, one failure's details view (its reason equals
// result.json's), its output.txt link (it loads and shows the file), a verdict filter and a
// client filter (the URL hash, the cells left visible, the filter surviving a reload).
// Exit 0 when all hold; 1 with lines "MISMATCH: ..." when the page disagrees with RESULT.json;
// 2 when the page could not be checked at all (no browser, a timeout, ...).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pagePath, resultPath, screenshot] = process.argv.slice(2);
if (!pagePath || !resultPath) {
  console.error('usage: node html_report_chromium.mjs INDEX.html RESULT.json [SCREENSHOT.png]');
  process.exit(2);
}
const modules = process.env.QIR_NODE_MODULES || (process.env.NODE_PATH || '').split(':')[0];
const require = createRequire(path.join(path.resolve(modules || '.'), 'noop.js'));
const { chromium } = require('playwright-core');

// What the page must show, from result.json (the reference's layout: results[client][server]
// flattened client-major, each cell with qir's outcome, auto_unsupported, flaky and reason).
const result = JSON.parse(fs.readFileSync(resultPath, 'utf8'));
const expected = [];
result.results.forEach((pair, i) => {
  const server = result.servers[i % result.servers.length];
  const client = result.clients[Math.floor(i / result.servers.length)];
  for (const cell of pair) {
    const outcome = cell.outcome || cell.result;
    let verdict = ['timeout', 'error', 'crashed'].includes(outcome) ? 'failed' : outcome;
    if (cell.auto_unsupported) verdict = 'auto-unsupported';
    else if (cell.flaky) verdict = 'flaky';
    expected.push({ server, client, test: cell.name, outcome, verdict, reason: cell.reason || '' });
  }
});

const mismatches = [];
function check(ok, what) {
  if (!ok) {
    mismatches.push(what);
    console.log('MISMATCH: ' + what);
  }
  return ok;
}
const key = c => `${c.server} × ${c.client} ${c.test}`;
const counts = list => {
  const n = {};
  for (const c of list) n[c.verdict] = (n[c.verdict] || 0) + 1;
  return n;
};

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'qir-chromium-'));
let browser;
try {
  // A new empty profile (the persistent context's user data dir, removed at the end).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.QIR_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 60000,
    viewport: { width: 1280, height: 900 },
    // The closed network: no background connections, no QUIC.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] || await browser.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  const url = pathToFileURL(path.resolve(pagePath)).href;
  await page.goto(url);

  // What the page shows: every badge of the matrix and every row of the cells table, with the
  // server/client of the matrix cell (td data-s, tr data-c) around each badge.
  const read = () => page.evaluate(() => {
    const visible = el => !el.closest('[hidden]') && el.getClientRects().length > 0;
    const badges = [...document.querySelectorAll('#matrix a.r[data-cell]')].map(a => ({
      server: a.closest('td').dataset.s, client: a.closest('tr').dataset.c, test: a.dataset.t,
      verdict: a.dataset.v, cls: a.className, cell: a.dataset.cell, visible: visible(a),
      mark: a.closest('.group').querySelector('.mark').textContent,
    }));
    const rows = [...document.querySelectorAll('#cells tbody tr')].map(tr => ({
      server: tr.dataset.s, client: tr.dataset.c, test: tr.dataset.t, verdict: tr.dataset.v,
      id: tr.id, visible: visible(tr),
      shown: [...tr.cells].map(td => td.textContent),
    }));
    return { badges, rows, meta: document.querySelector('p.meta').textContent };
  });
  const shown = await read();

  // 1. The number of cells, in the matrix and in the table.
  check(shown.badges.length === expected.length,
    `matrix shows ${shown.badges.length} cell(s), result.json has ${expected.length}`);
  check(shown.rows.length === expected.length,
    `cells table shows ${shown.rows.length} row(s), result.json has ${expected.length}`);
  const n = counts(expected);
  const symbols = { succeeded: '✓', flaky: '~', unsupported: '?', 'auto-unsupported': '‽', failed: '✕' };
  check(shown.meta.includes(`${expected.length} cell(s)`), `header "${shown.meta}" does not say ${expected.length} cell(s)`);
  for (const [verdict, symbol] of Object.entries(symbols)) {
    const label = verdict === 'auto-unsupported' ? 'auto-unsupported' : verdict;
    check(shown.meta.includes(`${n[verdict] || 0} ${symbol} ${label}`),
      `header "${shown.meta}" does not count ${n[verdict] || 0} ${verdict}`);
  }

  // 2. Each cell's verdict: class, data-v and status mark of its badge; data-v and the verdict
  // text of its row (the symbol and result.json's outcome).
  for (const want of expected) {
    const badge = shown.badges.filter(b => b.server === want.server && b.client === want.client && b.test === want.test);
    const row = shown.rows.filter(r => r.server === want.server && r.client === want.client && r.test === want.test);
    if (check(badge.length === 1, `${key(want)}: ${badge.length} badge(s) in the matrix`)) {
      const b = badge[0];
      check(b.verdict === want.verdict && b.cls.split(' ').includes(want.verdict) && b.mark === symbols[want.verdict],
        `${key(want)}: matrix shows ${b.verdict} (${b.mark}, class "${b.cls}"), result.json says ${want.verdict}`);
    }
    if (check(row.length === 1, `${key(want)}: ${row.length} row(s) in the cells table`)) {
      const r = row[0];
      check(r.verdict === want.verdict && r.shown[3].startsWith(symbols[want.verdict] + ' ' + want.outcome),
        `${key(want)}: table shows ${r.verdict} "${r.shown[3]}", result.json says ${want.verdict} ${want.outcome}`);
      check(r.shown[5] === want.reason, `${key(want)}: table reason "${r.shown[5]}", result.json "${want.reason}"`);
    }
  }

  // 3. One failure's details view: click its badge; the panel names the cell and shows its reason.
  const failure = expected.find(c => c.verdict === 'failed');
  if (check(failure, 'result.json has no failed cell to open')) {
    const badge = shown.badges.find(b => b.server === failure.server && b.client === failure.client && b.test === failure.test);
    if (badge) {
      await page.click(`#matrix a.r[data-cell="${badge.cell}"]`);
      await page.waitForSelector('#details:not([hidden])', { timeout: 5000 });
      const details = await page.evaluate(() => ({
        title: document.querySelector('#details .title').textContent,
        reason: document.querySelector('#details .reason').textContent,
        links: [...document.querySelectorAll('#details .links a')].map(a => ({ text: a.textContent, href: a.href })),
        hash: location.hash,
      }));
      check(details.hash === `#cell=${badge.cell}`, `details: URL hash "${details.hash}", want "#cell=${badge.cell}"`);
      check(details.title.startsWith(`${failure.server} × ${failure.client} — ${failure.test}: ✕ ${failure.outcome}`),
        `details title "${details.title}" is not of ${key(failure)}`);
      check(details.reason === failure.reason, `details reason "${details.reason}", result.json "${failure.reason}"`);
      if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });

      // 4. Its output.txt link: follow it, the file loads and is the cell's output.txt.
      const link = details.links.find(l => l.text === 'output.txt');
      if (check(link, `details of ${key(failure)} have no output.txt link (${details.links.map(l => l.text)})`)) {
        const cellLog = result.results.flat().find(c => c.name === failure.test && c.log_dir &&
          c.log_dir.startsWith(`${failure.server}_${failure.client}/`)).log_dir;
        check(decodeURIComponent(new URL(link.href).pathname).endsWith(`/${cellLog}/output.txt`),
          `output.txt link ${link.href} is not in the cell's folder ${cellLog}`);
        const [response] = await Promise.all([
          page.waitForNavigation({ timeout: 10000 }),
          page.click('#details .links a:text-is("output.txt")'),
        ]);
        const text = await page.evaluate(() => document.body.innerText);
        check(page.url() === link.href, `after the click the page is ${page.url()}, not ${link.href}`);
        check(!response || response.ok(), `output.txt answered ${response && response.status()}`);
        const onDisk = fs.readFileSync(new URL(link.href), 'utf8');
        check(text.trim() === onDisk.trim() && text.includes(failure.reason),
          `output.txt as shown (${text.length} chars) is not the file (${onDisk.length} chars) with the reason`);
        await page.goBack();
        await page.waitForSelector('#details:not([hidden])', { timeout: 5000 });
      }
    }
  }

  // 5. Filters: shift-click a verdict (only that one), then click a client off; the hash
  // records both, and exactly the matching cells stay visible, also after a reload.
  await page.click('#details .close');
  await page.waitForSelector('#details[hidden]', { state: 'attached', timeout: 5000 });
  const visibleOf = s => ({
    badges: s.badges.filter(b => b.visible).map(key).sort(),
    rows: s.rows.filter(r => r.visible).map(key).sort(),
  });
  const expectVisible = async (want, what) => {
    const v = visibleOf(await read());
    const w = want.map(key).sort();
    check(JSON.stringify(v.badges) === JSON.stringify(w), `${what}: matrix shows [${v.badges}], want [${w}]`);
    check(JSON.stringify(v.rows) === JSON.stringify(w), `${what}: table shows [${v.rows}], want [${w}]`);
  };
  await page.click('#filters button[data-key="v"][data-value="failed"]', { modifiers: ['Shift'] });
  await page.waitForFunction(() => location.hash.includes('v='));
  check(await page.evaluate(() => location.hash) === '#v=failed',
    `after shift-click on "failed" the hash is ${await page.evaluate(() => location.hash)}, want #v=failed`);
  await expectVisible(expected.filter(c => c.verdict === 'failed'), 'verdict filter failed');
  const dropped = result.clients[0];
  await page.click(`#filters button[data-key="c"][data-value="${dropped}"]`);
  const others = result.clients.filter(c => c !== dropped).map(encodeURIComponent).join(',');
  await page.waitForFunction(() => location.hash.includes('c='));
  const hash = await page.evaluate(() => location.hash);
  check(hash === `#c=${others}&v=failed`, `after hiding client ${dropped} the hash is ${hash}, want #c=${others}&v=failed`);
  const filtered = expected.filter(c => c.verdict === 'failed' && c.client !== dropped);
  await expectVisible(filtered, `filters ${hash}`);
  await page.reload();
  await expectVisible(filtered, `filters ${hash} after a reload`);
  // The page opened with a hash of its own (a link someone shared): only that server.
  await page.goto(url + '#s=' + encodeURIComponent(result.servers[0]));
  await page.reload();
  await expectVisible(expected.filter(c => c.server === result.servers[0]), `link with #s=${result.servers[0]}`);
  await page.click('#filters button[data-reset="all"]');
  await page.waitForFunction(() => location.hash === '' || location.hash === '#');
  await expectVisible(expected, 'show all');

  check(errors.length === 0, `the page logged errors: ${errors.join('; ')}`);
} catch (e) {
  console.log(`ERROR: the page could not be checked: ${e.stack || e}`);
  process.exitCode = 2;
} finally {
  if (browser) await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
if (process.exitCode !== 2) {
  if (mismatches.length) {
    console.log(`${mismatches.length} mismatch(es) between the page and ${resultPath}`);
    process.exitCode = 1;
  } else {
    console.log(`page ${pagePath}: ${expected.length} cell(s) and their verdicts match ${resultPath}; ` +
      'details reason, output.txt link and URL filters work');
  }
}
