// An upgrade started, followed, approved and seen to finish in the Temporal web UI, in headless
// Chromium. Run by TemporalUiIT (worker module) against a dev server and a worker it starts;
// scripts/install-ui-test-tools.sh installs Chromium and playwright-core.
//
// Environment: GMU_UI_URL (the UI, required), GMU_UPGRADE_INPUT (the request JSON, required),
// GMU_SCREENSHOTS (folder, required), GMU_WORKFLOW_ID, GMU_APPROVED_BY, GMU_CHROMIUM.
// Exit 0 when every stage was seen in the UI; otherwise 1, naming the stage, with a screenshot
// and the page's HTML saved as failed-<stage>. By hand, against a running dev server and worker:
//   GMU_UI_URL=http://127.0.0.1:8233 GMU_UPGRADE_INPUT="$(cat request.json)" GMU_SCREENSHOTS=shots \
//     node ui-tests/upgrade-in-the-ui.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ui = required('GMU_UI_URL').replace(/\/$/, '');
const input = required('GMU_UPGRADE_INPUT');
const screenshots = required('GMU_SCREENSHOTS');
const workflowId = process.env.GMU_WORKFLOW_ID || 'gloo-mesh-upgrade-mgmt';
const approvedBy = process.env.GMU_APPROVED_BY || 'temporal-web-ui';
/** The approval gate the status query showed open; the signal names it. */
let openGate = '';
const executablePath = process.env.GMU_CHROMIUM || '/usr/bin/chromium';
const WORKFLOW_TYPE = 'GlooMeshUpgrade';
const TASK_QUEUE = 'gloo-mesh-upgrade';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`upgrade-in-the-ui: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

class UiCheckFailed extends Error {}

function check(condition, message) {
  if (!condition) {
    throw new UiCheckFailed(message);
  }
}

/** Resolves once `attempt` stops throwing; `between` nudges the page (reload, refresh) in between. */
async function eventually(what, attempt, { timeoutMs, between = async () => {}, pauseMs = 1000 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (Date.now() > deadline) {
        throw new UiCheckFailed(`${what} not seen within ${timeoutMs / 1000}s: ${e.message.split('\n')[0]}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await between();
  }
}

async function textOf(locator) {
  return (await locator.innerText({ timeout: 5000 })).replace(/\s+/g, ' ');
}

// The UI shows JSON in a CodeMirror editor, which draws only the lines in view: read its whole document from the
// editor itself, else scroll to the end and read what is drawn there.
async function documentText(editor) {
  const whole = await editor.locator('.cm-content').first()
    .evaluate((el) => el.cmView?.view?.state?.doc?.toString() ?? null).catch(() => null);
  if (whole) return whole;
  await editor.locator('.cm-scroller').first().evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await new Promise((resolve) => setTimeout(resolve, 300));
  return textOf(editor);
}

// The UI renders some widgets twice (narrow and wide layouts); only one of them is visible.
const visible = (locator) => locator.filter({ visible: true });

/** The value the workflow page's summary shows next to a label (Workflow Type, Task Queue, End...). */
function summaryValue(page, label) {
  return page.locator('header dd', { hasText: new RegExp(`^\\s*${label}\\s*$`) })
    .locator('xpath=following-sibling::dt[1]');
}

function statusBadge(page, status) {
  return page.locator('header').getByText(status, { exact: true });
}

// CodeMirror reformats the JSON when it loses focus, which moves the buttons under it: blur first
// so that the click lands where the button has settled.
async function typeJson(editor, json) {
  await editor.fill(json);
  check(JSON.stringify(JSON.parse(await editor.innerText())) === JSON.stringify(JSON.parse(json)),
    `the JSON editor holds ${await editor.innerText()} instead of ${json}`);
  await editor.blur();
}

async function fillStartForm(page) {
  for (const [label, value] of [['Workflow ID', workflowId], ['Task Queue', TASK_QUEUE],
    ['Workflow Type', WORKFLOW_TYPE]]) {
    const field = page.getByLabel(label);
    await field.fill(value);
    check((await field.inputValue()) === value, `the form's ${label} holds ${await field.inputValue()}`);
  }
}

const stages = [
  ['start-form-filled', async (page) => {
    await page.goto(`${ui}/namespaces/default/workflows`);
    await page.getByRole('button', { name: 'Start Workflow' }).click();
    await fillStartForm(page);
    // The form asks the server who polls the queue once, as the field is filled: a worker that was
    // still starting shows as missing until the form is loaded and filled again.
    const queue = page.getByText(/^\s*Task Queue is (Active|Inactive)\s*$/).locator('xpath=..');
    await eventually('the task queue active, with a worker', async () => {
      const shown = await textOf(queue);
      check(/Task Queue is Active/.test(shown) && /\b[1-9]\d* Workers?\b/.test(shown), `the form says ${shown}`);
    }, {
      timeoutMs: 60000,
      pauseMs: 2000,
      between: async () => {
        await page.reload();
        await fillStartForm(page);
      },
    });
    await typeJson(page.locator('.cm-content[data-language="json"]'), input);
  }],
  ['workflow-started', async (page) => {
    await page.getByRole('button', { name: 'Start Workflow' }).click();
    await page.getByRole('link', { name: 'Workflow started successfully' }).waitFor();
  }],
  ['running-summary', async (page) => {
    await page.getByRole('link', { name: 'Workflow started successfully' }).click();
    await page.waitForURL(`**/workflows/${workflowId}/**`);
    await page.getByTestId('workflow-id-heading').getByText(workflowId, { exact: true }).waitFor();
    await statusBadge(page, 'Running').waitFor();
    check((await textOf(summaryValue(page, 'Workflow Type'))) === WORKFLOW_TYPE,
      `the summary's Workflow Type is ${await textOf(summaryValue(page, 'Workflow Type'))}`);
    check((await textOf(summaryValue(page, 'Task Queue'))) === TASK_QUEUE,
      `the summary's Task Queue is ${await textOf(summaryValue(page, 'Task Queue'))}`);
    const inputShown = await textOf(page.getByTestId('input-and-result').getByRole('textbox').first());
    check(inputShown.includes(`"targetVersion": "${JSON.parse(input).targetVersion}"`),
      `the Input panel shows ${inputShown}`);
  }],
  ['waiting-for-approval', async (page) => {
    await page.getByTestId('queries-tab').click();
    const runQuery = page.getByRole('button', { name: /^(Run|Refresh) Query$/ });
    const result = page.getByTestId('query-result');
    await eventually('the status query answering WAITING_FOR_APPROVAL', async () => {
      await runQuery.click({ timeout: 10000 });
      await result.waitFor({ timeout: 10000 });
      const shown = await textOf(result);
      check(shown.includes('"state": "WAITING_FOR_APPROVAL"') && shown.includes('"currentStep": "APPROVAL"'),
        `the status query shows ${shown.slice(0, 300)}`);
      // The approval must name the gate the status shows open, as a person reading it would copy it.
      const gate = /"gate": ?"([^"]+)"/.exec(await documentText(result));
      check(gate !== null && gate[1].startsWith('approval-'), `the status query shows no open gate: ${shown.slice(0, 300)}`);
      openGate = gate[1];
    }, {
      timeoutMs: 120000,
      // The tab first asks the worker which queries it has; when that times out it shows an error
      // instead of the form, and only a reload asks again.
      between: async () => { if (!(await runQuery.isVisible())) await page.reload(); },
    });
    await statusBadge(page, 'Running').waitFor();
  }],
  ['approve-signal-filled', async (page) => {
    await page.getByRole('button', { name: 'More Actions' }).click();
    await visible(page.getByTestId('signal-button')).click();
    const dialog = page.getByRole('dialog', { name: 'Send a Signal' });
    await visible(dialog.getByTestId('signal-select-button')).click();
    await dialog.getByRole('option', { name: 'approve', exact: true }).click();
    await typeJson(dialog.locator('.cm-content[data-language="json"]'),
      JSON.stringify({ by: approvedBy, reason: 'approved in the Temporal web UI', gate: openGate }));
  }],
  ['approve-signal-sent', async (page) => {
    const dialog = page.getByRole('dialog', { name: 'Send a Signal' });
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await page.getByText('Workflow signaled.').waitFor();
    await dialog.waitFor({ state: 'hidden' });
  }],
  ['completed', async (page) => {
    await page.getByTestId('history-tab').click();
    await eventually('the Completed status', () => statusBadge(page, 'Completed').waitFor({ timeout: 10000 }),
      { timeoutMs: 120000, between: () => page.reload() });
    const result = await textOf(page.getByTestId('input-and-result').getByRole('textbox').nth(1));
    check(result.includes('"outcome": "SUCCEEDED"'), `the Result panel shows ${result.slice(0, 300)}`);
    check(result.includes(`approved by ${approvedBy}`), `the Result panel does not name ${approvedBy}: ${result}`);
    const signaled = page.getByTestId('event-summary-row').filter({ hasText: 'Workflow Execution Signaled' });
    check((await textOf(signaled)).includes('Signal Name approve'), 'no approve signal in the event history');
    await page.getByTestId('event-summary-row').filter({ hasText: 'Workflow Execution Completed' }).waitFor();
  }],
];

async function main() {
  fs.mkdirSync(screenshots, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gmu-chromium-'));
  // launchPersistentContext passes the fresh profile as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
    timeout: 60000,
  });
  context.setDefaultTimeout(30000);
  const page = context.pages()[0] ?? await context.newPage();
  let stageNumber = 0;
  let current = '(launch)';
  try {
    for (const [name, run] of stages) {
      current = name;
      const started = Date.now();
      await run(page);
      stageNumber += 1;
      const file = path.join(screenshots, `${String(stageNumber).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`upgrade-in-the-ui: ${name} ok (${Date.now() - started} ms) ${file}`);
    }
    return 0;
  } catch (e) {
    const base = path.join(screenshots, `failed-${current}`);
    await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => {});
    fs.writeFileSync(`${base}.html`, await page.content().catch(() => ''));
    console.error(`upgrade-in-the-ui: FAILED at ${current} (${page.url()}): ${e.message}`);
    console.error(`upgrade-in-the-ui: see ${base}.png and ${base}.html`);
    return 1;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

process.exitCode = await main();
