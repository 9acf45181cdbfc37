// An officer's day in a real browser (headless Chromium, the system's /usr/bin/chromium).
//
// Starts the product binary on a free loopback port with a fresh data folder and SQLite database
// (demo data loads on the first start), then walks the day through the pages, asserting on what
// each page shows:
//
//   inspector (qn.ksv1, 360 px phone): signs in, finds a business with the header search, opens a
//     case from its page and proposes an inspection;
//   team leader (qn.doitruong1, desktop): decides the inspection;
//   inspector (phone): records the inspection and the violation record (GPS, an exhibit line, a
//     witness, the offender's signature), registers the seized lot with a photo from the "camera";
//   unit head (qn.chicuctruong): opens the warehouse (the demo data has none);
//   warehouse keeper (qn.thukho): checks the lot into the warehouse;
//   team leader: issues the sanction decision confiscating the lot and downloads its PDF;
//   a citizen (signed out, phone): opens /verify/{code} and uploads the PDF to check it;
//   unit head: asks team 1 for a monthly report; team leader: sends it, its figures filled in
//     from the system (the day's decision among them); the head's board, left open, shows it
//     arrive without a reload (server-sent events).
//
// The order is the real one: seized goods go to the warehouse the day they are seized, and the
// decision (which may come days later) confiscates a lot that is on the shelf. A lot already
// confiscated can no longer be "checked in" (domain::exhibit::custody).
//
// Every step saves a screenshot at 360 px and 1280 px wide: target/e2e/NN-step-360.png and
// NN-step-1280.png (relative to the repository root). At 360 px each page is also checked for
// horizontal overflow (a phone must never scroll sideways).
//
// Environment: QLTT_BIN (default $CARGO_TARGET_DIR/debug/qltt, else target/debug/qltt),
// CHROMIUM (default /usr/bin/chromium), QLTT_E2E_TIMEOUT_S (default 300), QLTT_E2E_HEADED=1.
// Exit 0 when the whole day passed; 1 with the failed assertion and the server log's tail.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const outDir = join(root, 'target', 'e2e');
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
const bin = process.env.QLTT_BIN || join(targetDir, 'debug', 'qltt');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const timeoutS = Number(process.env.QLTT_E2E_TIMEOUT_S || 300);
const PASSWORD = 'qltt-demo-2026';
const TZ = 'Asia/Ho_Chi_Minh';

// ---------------------------------------------------------------------------------------------
// Harness: server, failure reporting, screenshots.

const serverLog = [];
let server = null;
let browser = null;
let tmp = null;
let finished = false;
let currentStep = '(start)';
let lastPage = null; // the page the failed step was on: screenshotted as target/e2e/failed.png
const problems = []; // script errors seen in pages: reported at the end (and fail the run)

function log(msg) {
  console.log(`[e2e] ${msg}`);
}

class AssertionFailed extends Error {}

function check(ok, msg) {
  if (!ok) throw new AssertionFailed(msg);
}

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  browser = null;
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        server.kill('SIGKILL');
        r();
      }, 5000);
      server.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
}

async function fail(err) {
  if (finished) return;
  finished = true;
  console.error(`\n[e2e] FAILED at step "${currentStep}": ${err && err.message ? err.message : err}`);
  if (!(err instanceof AssertionFailed) && err && err.stack) console.error(err.stack);
  if (lastPage && !lastPage.isClosed()) {
    await lastPage.screenshot({ path: join(outDir, 'failed.png'), fullPage: true, timeout: 5000 }).catch(() => {});
    console.error(`[e2e] the page at failure (${lastPage.url()}): target/e2e/failed.png`);
  }
  const tail = serverLog.join('').split('\n').slice(-40).join('\n');
  console.error(`\n[e2e] server log (last 40 lines):\n${tail}`);
  writeFileSync(join(outDir, 'server.log'), serverLog.join(''));
  await cleanup();
  process.exit(1);
}

process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
process.on('SIGINT', () => fail(new Error('interrupted')));
process.on('SIGTERM', () => fail(new Error('terminated')));
setTimeout(() => fail(new AssertionFailed(`the day took longer than ${timeoutS} s`)), timeoutS * 1000).unref();

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function startServer() {
  check(existsSync(bin), `no binary at ${bin}: build it with \`cargo build -p qltt\` or set QLTT_BIN`);
  tmp = mkdtempSync(join(tmpdir(), 'qltt-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = ['serve', '--bind', `127.0.0.1:${port}`, '--database', `sqlite://${tmp}/qltt.db`, '--data-dir', tmp];
  log(`starting ${bin} ${args.join(' ')}`);
  server = spawn(bin, args, {
    env: { ...process.env, QLTT_LOG: process.env.QLTT_LOG || 'info,sqlx=warn', QLTT_PUBLIC_URL: base, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    serverLog.push(chunk.toString());
    if (serverLog.length > 2000) serverLog.splice(0, serverLog.length - 2000);
  };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  server.once('exit', (code, signal) => {
    if (!finished) fail(new AssertionFailed(`the server exited (code ${code}, signal ${signal})`));
  });
  const started = Date.now();
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    check(Date.now() - started < 120_000, 'the server did not answer /healthz within 120 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`server up at ${base} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return base;
}

/** Watch a page for script errors and failed requests (each one fails the run at the end). */
function watch(page, who) {
  page.on('framenavigated', () => {
    lastPage = page;
  });
  page.on('pageerror', (e) => problems.push(`${who}: script error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    // The wrong password of the first step is answered 401 on purpose.
    if (m.type() === 'error' && /status of 401/.test(m.text()) && new URL(page.url()).pathname === '/login') return;
    if (m.type() === 'error') problems.push(`${who}: console error on ${page.url()}: ${m.text()}`);
  });
  return page;
}

let shotNo = 0;
/** Screenshots of the page as it is, at 360 px and 1280 px wide; checks for sideways scrolling at
 * 360 px. Restores the page's own viewport afterwards. */
async function shot(page, name) {
  shotNo += 1;
  const nn = String(shotNo).padStart(2, '0');
  const own = page.viewportSize();
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
    await page.waitForTimeout(150); // layout and fonts settle
    if (width === 360) {
      const over = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        const wide = [];
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > w + 1 && getComputedStyle(el).position !== 'fixed') {
            // Inside a container that scrolls on its own (a table wrapper): fine.
            let p = el.parentElement;
            let scrolls = false;
            while (p && p !== document.body) {
              const o = getComputedStyle(p).overflowX;
              if (o === 'auto' || o === 'scroll' || o === 'hidden') {
                scrolls = true;
                break;
              }
              p = p.parentElement;
            }
            if (!scrolls) wide.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} (right edge ${Math.round(r.right)} px)`);
          }
        }
        return { scroll: document.documentElement.scrollWidth, client: w, wide: wide.slice(0, 5) };
      });
      check(
        over.scroll <= over.client + 1 && over.wide.length === 0,
        `${nn}-${name}: the page is wider than a 360 px phone (${over.scroll} px): ${over.wide.join(', ')}`,
      );
    }
    const file = join(outDir, `${nn}-${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
  }
  await page.setViewportSize(own);
  log(`  screenshots ${nn}-${name}-{360,1280}.png`);
}

/** The visible text of the page's main content. */
async function mainText(page) {
  return page.locator('main').innerText();
}

/** Waits (up to 10 s) until the visible text of the page's main content shows each text. */
async function sees(page, ...texts) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const body = await mainText(page).catch(() => '');
    const missing = texts.filter((t) => !body.includes(t));
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw new AssertionFailed(`expected to see ${missing.map((t) => `"${t}"`).join(', ')} on ${page.url()}; the page shows:\n${body.slice(0, 2000)}`);
    }
    await page.waitForTimeout(200);
  }
}

async function step(name, fn) {
  currentStep = name;
  log(`step: ${name}`);
  await fn();
}

/** A small real PNG photo (a gradient), made here so no fixture is needed. */
function makePng(w = 64, h = 48) {
  const crcTable = new Int32Array(256).map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  const crc = (buf) => {
    let c = -1;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = (x * 4) & 0xff;
      raw[o + 1] = 0x5c;
      raw[o + 2] = (y * 5) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** "YYYY-MM-DDTHH:MM" in Vietnam's time, `minutesAgo` before now (for datetime-local inputs), but
 * not before today's first minutes there: the steps are dated today (a run just after midnight
 * must not record an inspection the day before its decision). */
function localDateTime(minutesAgo) {
  const local = Date.now() + 7 * 3600_000;
  const midnight = local - (local % 86_400_000);
  const order = 60 - minutesAgo; // later steps ask for fewer minutes ago: keep their order
  const t = Math.max(local - minutesAgo * 60_000, Math.min(local, midnight + order * 1000));
  return new Date(t).toISOString().slice(0, 16);
}

// ---------------------------------------------------------------------------------------------
// The day.

async function signIn(page, base, username) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
}

/** Submits a plain form with its button and waits for the next page; when the server answers
 * with the form again (a refusal), fails with the message the page shows. */
async function submitForm(page, button, expectUrl) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
  if (expectUrl && !expectUrl.test(page.url())) {
    const err = await page.locator('main .flash.error').first().innerText().catch(() => '');
    throw new AssertionFailed(`the form was refused (${page.url()}): ${err || '(no message on the page)'}`);
  }
  const err = await page.locator('main .flash.error').first().innerText({ timeout: 500 }).catch(() => '');
  check(!err, `the form was refused: ${err}`);
}

/** Opens a step's form on the case page (a <details> whose summary is the step's label). */
async function openStep(page, label) {
  const details = page.locator('details.step', { has: page.locator('summary', { hasText: label }) });
  await details.locator('summary').click();
  const form = details.locator('form.step-form');
  await form.waitFor({ state: 'visible' });
  return form;
}

/** Submits a step's form: the page's script posts the JSON and reloads the case page. */
async function submitStep(page, form, label) {
  await Promise.all([
    page.waitForEvent('load', { timeout: 20_000 }).catch(async () => {
      const err = await form.locator('.step-error').innerText().catch(() => '');
      throw new AssertionFailed(`the step "${label}" was not accepted: ${err || '(no message)'}`);
    }),
    form.getByRole('button', { name: label }).click(),
  ]);
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  for (const f of ['server.log', 'failed.png']) rmSync(join(outDir, f), { force: true });
  const base = await startServer();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: !process.env.QLTT_E2E_HEADED,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=vi-VN'],
  });
  const phone = {
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 1,
    locale: 'vi-VN',
    timezoneId: TZ,
    acceptDownloads: true,
    permissions: ['geolocation'],
    geolocation: { latitude: 20.9511, longitude: 107.0793, accuracy: 12 }, // Hạ Long
  };
  const desktop = { viewport: { width: 1280, height: 900 }, locale: 'vi-VN', timezoneId: TZ, acceptDownloads: true };

  // ---- The inspector, on her phone.
  const ksv = watch(await (await browser.newContext(phone)).newPage(), 'qn.ksv1');
  ksv.setDefaultTimeout(15_000);

  await step('sign in', async () => {
    await ksv.goto(`${base}/`);
    check(new URL(ksv.url()).pathname === '/login', `a signed-out visit to / should go to the sign-in page, got ${ksv.url()}`);
    await sees(ksv, 'Đăng nhập', 'Tên đăng nhập', 'Mật khẩu');
    await shot(ksv, 'sign-in');
    // A wrong password first: the page says so and keeps the name typed.
    await ksv.getByLabel('Tên đăng nhập').fill('qn.ksv1');
    await ksv.getByLabel('Mật khẩu').fill('sai-mat-khau');
    await ksv.getByRole('button', { name: 'Đăng nhập' }).click();
    await ksv.locator('.flash.error').waitFor();
    check((await ksv.getByLabel('Tên đăng nhập').inputValue()) === 'qn.ksv1', 'the user name is kept after a wrong password');
    await signIn(ksv, base, 'qn.ksv1');
    await sees(ksv, 'Việc cần làm');
    const header = await ksv.locator('header').innerText();
    check(header.includes('Hoàng Thị Mai') && header.includes('Đội Quản lý thị trường số 1'), `the header names the officer and her team: ${header}`);
    await shot(ksv, 'home');
  });

  let businessUrl;
  await step('find a business (header search, typed without diacritics)', async () => {
    await ksv.locator('#site-q').fill('tap hoa minh anh');
    const hits = ksv.locator('#site-search-results');
    await hits.getByText('Cửa hàng tạp hóa Minh Anh').first().waitFor();
    await shot(ksv, 'search');
    await hits.getByRole('link', { name: /Cửa hàng tạp hóa Minh Anh/ }).first().click();
    await ksv.waitForURL(/\/businesses\//);
    await sees(ksv, 'Cửa hàng tạp hóa Minh Anh', 'Trần Minh Anh', 'Số 8 phố Cao Thắng');
    businessUrl = ksv.url();
    // The register's list finds it too.
    await ksv.goto(`${base}/businesses?q=minh+anh`);
    await sees(ksv, 'Cửa hàng tạp hóa Minh Anh');
    await shot(ksv, 'businesses');
    await ksv.goto(businessUrl);
    await sees(ksv, 'Kiểm tra, vi phạm, quyết định');
    await shot(ksv, 'business');
  });

  let caseUrl;
  const summary = 'Kiểm tra đột xuất: nghi bán rượu ngoại không hóa đơn (e2e)';
  await step('open a case from the business page and propose an inspection', async () => {
    await ksv.getByRole('link', { name: 'Mở vụ việc' }).click();
    await sees(ksv, 'Mở vụ việc', 'Cửa hàng tạp hóa Minh Anh');
    await ksv.getByLabel('Nguồn').selectOption('signs');
    await ksv.getByLabel('Tóm tắt').fill(summary);
    await shot(ksv, 'case-new');
    await submitForm(ksv, ksv.getByRole('button', { name: 'Mở vụ việc' }), /\/cases\/[^/]+$/);
    caseUrl = ksv.url();
    await sees(ksv, summary, 'Nguồn tin', 'Cửa hàng tạp hóa Minh Anh');
    const form = await openStep(ksv, 'Đề xuất kiểm tra');
    await form.locator('[data-key=content]').fill('Đề xuất kiểm tra đột xuất nguồn gốc rượu ngoại bày bán tại cơ sở');
    await form.locator('[data-key=suspected_violation]').fill('Rượu ngoại không có hóa đơn, chứng từ');
    await submitStep(ksv, form, 'Đề xuất kiểm tra');
    await sees(ksv, 'Đã đề xuất kiểm tra');
    await shot(ksv, 'case-proposed');
  });

  // ---- The team leader, at his desk.
  const leader = watch(await (await browser.newContext(desktop)).newPage(), 'qn.doitruong1');
  leader.setDefaultTimeout(15_000);
  await step('the leader decides the inspection', async () => {
    await signIn(leader, base, 'qn.doitruong1');
    await leader.goto(caseUrl);
    await sees(leader, summary, 'Đã đề xuất kiểm tra');
    const form = await openStep(leader, 'Ra quyết định kiểm tra');
    await form.getByLabel(/Hoàng Thị Mai/).check();
    await form.locator('[data-key=scope]').fill('Kiểm tra nguồn gốc, xuất xứ, hóa đơn chứng từ của rượu ngoại');
    await shot(leader, 'decide-inspection-form');
    await submitStep(leader, form, 'Ra quyết định kiểm tra');
    await sees(leader, 'Đã có quyết định kiểm tra', '/QĐ-KT');
    await shot(leader, 'inspection-decided');
  });

  // ---- The inspector at the premises.
  await step('record the inspection on the phone', async () => {
    await ksv.goto(caseUrl);
    await sees(ksv, 'Đã có quyết định kiểm tra');
    const form = await openStep(ksv, 'Lập biên bản kiểm tra');
    await form.locator('[data-key=inspected_at]').fill(localDateTime(40));
    await form.locator('[data-key=place]').fill('Cửa hàng tạp hóa Minh Anh, số 8 phố Cao Thắng, Hạ Long');
    await form.locator('[data-key=findings]').fill('Cơ sở bày bán 6 chai rượu ngoại, không xuất trình được hóa đơn, chứng từ');
    await form.getByLabel('Phát hiện vi phạm').check();
    await shot(ksv, 'inspection-form');
    await submitStep(ksv, form, 'Lập biên bản kiểm tra');
    await sees(ksv, 'Đã kiểm tra', '/BB-KT');
    await shot(ksv, 'inspected');
  });

  await step('record the violation on the phone (GPS, goods, witness, signature)', async () => {
    const form = await openStep(ksv, 'Lập biên bản vi phạm hành chính');
    await form.locator('[data-key=recorded_at]').fill(localDateTime(20));
    await form.locator('[data-key=place]').fill('Tại cơ sở kinh doanh');
    await form.getByRole('button', { name: 'Lấy vị trí hiện tại' }).click();
    await form.locator('.location-text').getByText('20.95110').waitFor();
    await form.locator('[data-key="offender.kind"]').selectOption('individual');
    await form.locator('[data-key="offender.name"]').fill('Trần Minh Anh');
    await form.locator('[data-key="offender.id_number"]').fill('022185001234');
    await form.locator('[data-key="offender.address"]').fill('Số 8 phố Cao Thắng, Hạ Long, Quảng Ninh');
    const act = form.locator('fieldset[data-group=violations] .rows .group-row').first();
    await act.locator('[data-key=violation_type_id]').selectOption('D98-15-1-b');
    // The select is too narrow for the act's label on a phone: the full label is shown under it.
    await act.locator('.picked').getByText('hàng hóa nhập lậu có giá trị từ 3.000.000 đồng').waitFor();
    await act.locator('[data-key=facts]').fill('Bày bán 6 chai rượu ngoại nhập lậu, trị giá 4.200.000 đồng');
    const goods = form.locator('fieldset[data-group=exhibits] .rows .group-row').first();
    await goods.locator('[data-key=description]').fill('Rượu ngoại Chivas 18 (chai 700 ml)');
    await goods.locator('[data-key=quantity]').fill('6');
    await goods.locator('[data-key=unit_of_measure]').fill('chai');
    await goods.locator('[data-key=estimated_value]').fill('4200000');
    const witness = form.locator('fieldset[data-group=witnesses] .rows .group-row').first();
    await witness.locator('[data-key=name]').fill('Phạm Văn Nam');
    // The offender signs on the screen with a finger.
    const canvas = form.locator('.signature canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await ksv.mouse.move(box.x + 20, box.y + box.height * 0.7);
    await ksv.mouse.down();
    for (let i = 1; i <= 12; i++) await ksv.mouse.move(box.x + 20 + i * (box.width / 16), box.y + box.height * (0.7 - 0.4 * Math.sin(i / 2)));
    await ksv.mouse.up();
    check((await form.locator('.signature').getAttribute('data-value'))?.startsWith('data:image/png'), 'the signature was captured');
    await shot(ksv, 'violation-form');
    await submitStep(ksv, form, 'Lập biên bản vi phạm hành chính');
    await sees(ksv, 'Đã lập biên bản vi phạm', '/BB-VPHC', 'D98-15-1-b', 'Bày bán 6 chai rượu ngoại');
    await shot(ksv, 'violation-recorded');
  });

  let lotUrl;
  let lotNo;
  await step('register the seized lot with a photo', async () => {
    await ksv.getByRole('link', { name: 'Đăng ký lô tang vật' }).click();
    await sees(ksv, 'Đăng ký lô tang vật, phương tiện', summary);
    await ksv.getByLabel('Mô tả *').fill('Rượu ngoại Chivas 18 (chai 700 ml), không hóa đơn');
    await ksv.getByLabel('Nhóm hàng').fill('Rượu');
    await ksv.getByLabel('Số lượng *').fill('6');
    await ksv.getByLabel('Đơn vị tính *').fill('chai');
    await ksv.getByLabel('Giá trị ước tính (đồng)').fill('4.200.000');
    await ksv.getByLabel('Số niêm phong (mỗi dòng một)').fill('NP-000123');
    await ksv.getByLabel('Ảnh chụp (tối đa 10)').setInputFiles({ name: 'tang-vat.png', mimeType: 'image/png', buffer: makePng() });
    await shot(ksv, 'exhibit-form');
    await submitForm(ksv, ksv.getByRole('button', { name: 'Đăng ký lô' }), /\/exhibits\/[^/]+$/);
    lotUrl = ksv.url();
    await sees(ksv, 'Rượu ngoại Chivas 18', '6 chai', '4.200.000', 'NP-000123', 'Toàn vẹn');
    lotNo = (await ksv.locator('h1').innerText()).replace(/^Lô\s+/, '').trim();
    check(/^QN-D1-TV-\d{4}-\d{5}$/.test(lotNo), `the lot is numbered per unit and year, got "${lotNo}"`);
    const img = ksv.locator('.photos img').first();
    await img.scrollIntoViewIfNeeded();
    await ksv.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    check((await img.evaluate((el) => el.naturalWidth)) === 64, 'the photo is served back as uploaded');
    await shot(ksv, 'exhibit');
    await ksv.goto(caseUrl);
    await sees(ksv, lotNo);
  });

  // ---- The unit head opens the province's warehouse (the demo data has none).
  await step('the unit head opens the warehouse', async () => {
    const head = watch(await (await browser.newContext(desktop)).newPage(), 'qn.chicuctruong');
    await signIn(head, base, 'qn.chicuctruong');
    await head.goto(`${base}/warehouses`);
    await sees(head, 'Kho tang vật', 'Mở kho mới');
    await head.getByLabel('Mã kho', { exact: true }).fill('KHO-01');
    await head.getByLabel('Tên kho', { exact: true }).fill('Kho tang vật Chi cục Quảng Ninh');
    await head.getByLabel('Địa chỉ', { exact: true }).fill('Số 2 Lê Thánh Tông, Hạ Long');
    await submitForm(head, head.getByRole('button', { name: 'Mở kho' }));
    await sees(head, 'KHO-01 — Kho tang vật Chi cục Quảng Ninh');
    await head.getByLabel('Mã camera', { exact: true }).fill('CAM-01');
    await head.getByLabel('Khu', { exact: true }).fill('A');
    await head.getByLabel('Mô tả', { exact: true }).fill('Cửa nhập kho');
    await submitForm(head, head.getByRole('button', { name: 'Đăng ký camera' }));
    await sees(head, 'CAM-01', 'Cửa nhập kho');
    await shot(head, 'warehouse');
    await head.context().close();
  });

  // ---- The warehouse keeper receives the goods.
  await step('the keeper checks the goods in', async () => {
    const keeper = watch(await (await browser.newContext(phone)).newPage(), 'qn.thukho');
    await signIn(keeper, base, 'qn.thukho');
    await keeper.goto(lotUrl);
    await sees(keeper, lotNo, 'Ghi giao nhận');
    await keeper.getByLabel('Loại', { exact: true }).selectOption('check_in');
    await keeper.getByLabel('Bên giao', { exact: true }).fill('Hoàng Thị Mai (Đội QLTT số 1)');
    await keeper.getByLabel('Bên nhận', { exact: true }).fill('Đặng Văn Bình (thủ kho)');
    await keeper.getByLabel('Kho', { exact: true }).selectOption({ label: 'KHO-01 — Kho tang vật Chi cục Quảng Ninh' });
    await keeper.getByLabel('Khu', { exact: true }).fill('A');
    await keeper.getByLabel('Kệ', { exact: true }).fill('3');
    await keeper.getByLabel('Tình trạng khi giao nhận').fill('Niêm phong NP-000123 nguyên vẹn');
    await keeper.getByLabel('Camera', { exact: true }).selectOption({ label: 'CAM-01 (khu A)' });
    await keeper.getByLabel('Từ', { exact: true }).fill(localDateTime(10));
    await keeper.getByLabel('Đến', { exact: true }).fill(localDateTime(5));
    await keeper.getByLabel('Đường dẫn đoạn ghi (đầu ghi)').fill('http://10.0.0.20/nvr/cam-01/clip-0001');
    await shot(keeper, 'check-in-form');
    await submitForm(keeper, keeper.getByRole('button', { name: 'Ghi nhận' }), /moved=1/);
    await sees(keeper, 'Nhập kho', 'Đang lưu kho', 'Kho tang vật Chi cục Quảng Ninh, khu A, kệ 3', 'Niêm phong NP-000123 nguyên vẹn', 'CAM-01');
    const custody = await keeper.locator('.custody').innerText();
    check(/\d\d\/\d\d\/\d{4} \d\d:\d\d → \d\d\/\d\d\/\d{4} \d\d:\d\d/.test(custody), `the recording's times read dd/mm/yyyy HH:MM: ${custody}`);
    await shot(keeper, 'checked-in');
    await keeper.context().close();
  });

  // ---- The leader decides the sanction and takes the PDF.
  let pdf;
  let docId;
  await step('the leader issues the sanction decision (confiscating the lot)', async () => {
    await leader.goto(caseUrl);
    await sees(leader, 'Đã lập biên bản vi phạm', lotNo);
    const form = await openStep(leader, 'Ra quyết định xử phạt');
    const line = form.locator('.fine-line[data-act^="D98-15-1-b"]');
    await line.locator('.fine-amount').fill('1500000');
    await form.getByLabel(new RegExp(lotNo)).check();
    await shot(leader, 'sanction-form');
    await submitStep(leader, form, 'Ra quyết định xử phạt');
    await sees(leader, 'Đã ra quyết định xử phạt', '/QĐ-XPHC', '1.500.000 đồng', 'Chờ xử lý (đã tịch thu)');
    await shot(leader, 'sanctioned');
  });

  await step('download the decision PDF', async () => {
    const row = leader.locator('ol.documents li', { hasText: '/QĐ-XPHC' });
    const link = row.getByRole('link', { name: 'Tải về' });
    docId = (await link.getAttribute('href')).split('/')[2];
    const [download] = await Promise.all([leader.waitForEvent('download'), link.click()]);
    check(/QD-XPHC\.pdf$/.test(download.suggestedFilename()), `the file is named after the number, got ${download.suggestedFilename()}`);
    pdf = readFileSync(await download.path());
    check(pdf.subarray(0, 5).toString('latin1') === '%PDF-', 'the download is a PDF');
    check(pdf.length > 10_000, `the PDF is not trivial (${pdf.length} bytes)`);
    writeFileSync(join(outDir, 'decision.pdf'), pdf);
    log(`  decision PDF: ${pdf.length} bytes`);
  });

  // The verification code is printed in the PDF's QR code; the script takes it from the
  // document API with the leader's page session instead of decoding the QR image.
  let verifyPath;
  await step('read the verification address of the decision', async () => {
    const r = await leader.request.get(`${base}/api/v1/documents/${docId}`);
    check(r.ok(), `GET /api/v1/documents/${docId}: ${r.status()}`);
    const doc = await r.json();
    check(typeof doc.verify_url === 'string' && doc.verify_url.includes('/verify/'), `the document has a verification address: ${JSON.stringify(doc).slice(0, 300)}`);
    verifyPath = new URL(doc.verify_url).pathname;
    log(`  ${doc.number}: ${doc.verify_url}`);
  });

  // ---- A citizen, signed out, on a phone.
  await step('a citizen verifies the decision and its PDF', async () => {
    const citizen = watch(await (await browser.newContext(phone)).newPage(), 'citizen');
    await citizen.goto(`${base}${verifyPath}`);
    check(new URL(citizen.url()).pathname === verifyPath, `the verification page needs no sign-in, got ${citizen.url()}`);
    await sees(citizen, 'Xác thực văn bản', 'Quyết định xử phạt vi phạm hành chính', '/QĐ-XPHC', 'Đội Quản lý thị trường số 1', 'Có hiệu lực');
    const text = await mainText(citizen);
    check(!text.includes('Trần Minh Anh') && !text.includes('022185001234'), 'no personal data on the public page');
    await shot(citizen, 'verify');
    await citizen.getByLabel('Tệp PDF').setInputFiles({ name: 'quyet-dinh.pdf', mimeType: 'application/pdf', buffer: pdf });
    await Promise.all([citizen.waitForNavigation({ waitUntil: 'load' }), citizen.getByRole('button', { name: 'Kiểm tra' }).click()]);
    await sees(citizen, 'Tệp trùng khớp với văn bản đã ban hành.');
    await shot(citizen, 'verify-match');
    // A changed copy is caught.
    const forged = Buffer.from(pdf);
    forged[forged.length - 10] ^= 0x20;
    await citizen.getByLabel('Tệp PDF').setInputFiles({ name: 'ban-sua.pdf', mimeType: 'application/pdf', buffer: forged });
    await Promise.all([citizen.waitForNavigation({ waitUntil: 'load' }), citizen.getByRole('button', { name: 'Kiểm tra' }).click()]);
    await sees(citizen, 'Tệp KHÔNG trùng khớp');
    await shot(citizen, 'verify-mismatch');
    await citizen.context().close();
  });

  // ---- Periodic reports: the unit head asks the team for a monthly report, the team leader
  // sends it with the system's figures filled in (the day's sanction among them), and the head's
  // board, left open, shows it arrive without a reload (server-sent events).
  const head = watch(await (await browser.newContext(desktop)).newPage(), 'qn.chicuctruong');
  let reportUrl;
  await step('the unit head asks team 1 for a monthly report', async () => {
    await signIn(head, base, 'qn.chicuctruong');
    await head.goto(`${base}/periodic-reports`);
    await sees(head, 'Báo cáo định kỳ', 'Yêu cầu báo cáo định kỳ mới');
    await head.getByLabel('Tên báo cáo').fill('Báo cáo tháng về chống hàng giả, hàng nhập lậu');
    await head.getByLabel('Nội dung, yêu cầu').fill('Các đội báo cáo số vụ kiểm tra, xử lý và tiền phạt trong tháng.');
    await head.getByLabel('Chu kỳ').selectOption('monthly');
    await head.locator('fieldset label.check', { hasText: /Đội Quản lý thị trường số 1$/ }).locator('input').check();
    await submitForm(head, head.getByRole('button', { name: 'Yêu cầu báo cáo' }), /\/periodic-reports\/[^/?]+\?done=1/);
    reportUrl = head.url().split('?')[0];
    await sees(head, 'Báo cáo tháng về chống hàng giả, hàng nhập lậu', 'Đội Quản lý thị trường số 1', 'Chưa nộp: 1', 'Đúng hạn: 0');
    await shot(head, 'periodic-report-asked');
  });

  await step('the team leader sends the report with the figures filled in', async () => {
    await leader.goto(reportUrl);
    await sees(leader, 'Nộp báo cáo');
    // The month's figures of the team, the day's sanction decision (1.500.000 đồng) among them:
    // the same as the team's report summary for the month so far.
    const fines = Number((await leader.locator('#f_fines_imposed').inputValue()).replace(/\D/g, ''));
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const r = await leader.request.get(`${base}/api/v1/reports/summary?from=${today.slice(0, 8)}01&to=${today}`);
    check(r.ok(), `GET /api/v1/reports/summary: ${r.status()}`);
    const month = (await r.json()).totals.fines_imposed;
    check(fines === month && fines >= 1_500_000, `the fines imposed are filled in from the month's figures (${month}), got ${fines}`);
    await leader.getByLabel('Ghi chú').fill('Đội 1 báo cáo; số liệu lấy từ hệ thống.');
    await shot(leader, 'periodic-report-send');
    await submitForm(leader, leader.getByRole('button', { name: 'Nộp báo cáo' }));
    await sees(leader, 'Đội Quản lý thị trường số 1', 'Nộp đúng hạn');
  });

  await step("the head's open board shows the report arrive, live", async () => {
    // No navigation here: the board reloads itself on the report event.
    await sees(head, 'Đúng hạn: 1', 'Chưa nộp: 0', 'Nộp đúng hạn');
    await shot(head, 'periodic-report-board');
    await head.context().close();
  });

  // ---- Annulment (Decree 118/2021 Art. 13): the head of the province annuls a decision of a
  // demo case that was issued in error. The day's decision above confiscated the lot and cannot
  // be annulled here (the goods would have to come back), so a demo case with a decision in
  // force that confiscated nothing and received no payment is taken.
  await step('the unit head annuls a decision issued in error', async () => {
    const chief = watch(await (await browser.newContext(desktop)).newPage(), 'qn.chicuctruong');
    await signIn(chief, base, 'qn.chicuctruong');
    let target;
    let cursor = '';
    for (let n = 0; n < 10 && !target; n++) {
      const r = await chief.request.get(`${base}/api/v1/cases?state=sanctioned&limit=100${cursor}`);
      check(r.ok(), `GET /api/v1/cases?state=sanctioned: ${r.status()}`);
      const body = await r.json();
      for (const c of body.items) {
        const confiscated = Object.values(c.data || {}).some((s) => s && Array.isArray(s.confiscated_exhibits) && s.confiscated_exhibits.length > 0);
        const decision = c.documents.find((d) => d.kind === 'sanction_decision' && d.status === 'issued');
        if (decision && !confiscated && c.payments.length === 0) {
          target = { id: c.id, number: decision.number };
          break;
        }
      }
      if (!body.next_cursor) break;
      cursor = `&cursor=${encodeURIComponent(body.next_cursor)}`;
    }
    check(target, 'a demo case with a sanction decision in force, nothing confiscated, nothing paid');
    log(`  annulling ${target.number} of case ${target.id}`);
    await chief.goto(`${base}/cases/${target.id}`);
    const row = chief.locator('ol.documents li', { hasText: target.number });
    await Promise.all([chief.waitForNavigation({ waitUntil: 'load' }), row.getByRole('link', { name: 'Hủy bỏ' }).click()]);
    await sees(chief, 'Hủy bỏ quyết định', target.number, 'Có hiệu lực', 'Mẫu MQĐ40');
    await chief.getByLabel(/Căn cứ hủy bỏ/).selectOption({ index: 1 });
    await chief.getByLabel(/Lý do/).fill('Quyết định được ban hành khi chưa xác minh đủ tình tiết của vụ việc.');
    await shot(chief, 'annul-form');
    await submitForm(chief, chief.getByRole('button', { name: 'Xác nhận hủy bỏ quyết định' }), /\/cases\//);
    await sees(chief, 'Đã lập biên bản vi phạm', '/QĐ-HB', 'đã bị hủy bỏ');
    await shot(chief, 'annulled');
    await chief.context().close();
  });

  currentStep = '(end)';
  check(problems.length === 0, `the pages reported errors:\n  ${problems.join('\n  ')}`);
  finished = true;
  await cleanup();
  log(`PASSED: an officer's day, ${shotNo} screens at 360 and 1280 px in ${outDir}`);
}

main().catch(fail);
