// The Reports page of the agent desk on the hand-computed fixture of
// tests/api/report-fixture.mjs: every report draws its chart (a uPlot canvas) with its table
// beneath holding the fixture's figures, offers its CSV, and states the counting rules; an
// agent sees their own figures only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, watchErrors, signIn, url } from './lib.mjs';
import { buildReportFixture, RANGE } from '../api/report-fixture.mjs';

let browser, fixture;

before(async () => {
	browser = await launch();
	fixture = await buildReportFixture();
});

after(async () => {
	if (browser) await browser.close();
});

/** The body rows of a table as arrays of cell texts. */
function rowsOf(page, testid) {
	return page.getByTestId(testid).evaluate((t) => [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
}

async function openReports(page, email) {
	await signIn(page, fixture.slug, email, 'Figures-Pass-123');
	await page.goto(url(fixture.slug, `#/reports?${RANGE}`));
	await page.getByTestId('reports').waitFor();
	for (const name of ['open', 'times', 'lights', 'suppliers', 'agents'])
		await page.locator(`[data-testid="report-${name}"][data-state="ready"]`).waitFor();
}

test('a manager sees every report as a chart with its table, the rules and a CSV link', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/); // asked before signing in
	await openReports(page, 'mia@fig.example');
	await page.locator('[data-testid="report-volume"][data-state="ready"]').waitFor();
	for (const name of ['open', 'volume', 'times', 'lights', 'suppliers', 'agents']) {
		const canvas = page.getByTestId('chart-' + name).locator('canvas');
		assert.equal(await canvas.count(), 1, `${name} has a chart`);
		const box = await canvas.boundingBox();
		assert.ok(box && box.width >= 300 && box.height >= 100, `${name}'s chart is drawn (${JSON.stringify(box)})`);
		assert.equal(await page.getByTestId('report-csv-' + name).getAttribute('href'),
			`/api/v1/reports/${name}?${name === 'open' ? '' : RANGE + '&'}format=csv`);
	}
	// Open now: T3, T5, T6, T9, T10, T11, all not started, all created months ago.
	assert.deepEqual(await rowsOf(page, 'table-open'), [
		['status', 'Not started', '6'], ['status', 'In progress', '0'], ['status', 'Awaiting update', '0'], ['status', 'Deferred', '0'],
		['agent', 'Bob Agent', '3'], ['agent', 'Unassigned', '2'], ['agent', 'Ann Agent', '1'], ['team', 'Front', '6'],
		['age', '< 1 day', '0'], ['age', '1-3 days', '0'], ['age', '3-7 days', '0'], ['age', '7-30 days', '0'], ['age', '> 30 days', '6'],
	]);
	assert.deepEqual(await rowsOf(page, 'table-volume'), [
		['2026-03-26', '1', '2'], ['2026-03-27', '1', '0'], ['2026-03-28', '1', '0'], ['2026-03-29', '1', '0'], ['2026-03-30', '2', '2'], ['2026-03-31', '4', '2'],
	]);
	assert.deepEqual(await rowsOf(page, 'table-times'), [
		['First response', 'Calendar', '6', '16:02:30', '2:00:00', '65:00:00'],
		['First response', 'Business', '6', '1:12:30', '0:15:00', '4:00:00'],
		['Resolution', 'Calendar', '6', '31:40:00', '24:00:00', '66:00:00'],
		['Resolution', 'Business', '6', '5:20:00', '5:00:00', '8:00:00'],
	]);
	assert.deepEqual(await rowsOf(page, 'table-lights'), [
		['Response to the customer', '8 (80.0%)', '0 (0.0%)', '2 (20.0%)'],
		['Supplier response to us', '9 (90.0%)', '0 (0.0%)', '1 (10.0%)'],
		['Communication with the customer', '8 (80.0%)', '1 (10.0%)', '1 (10.0%)'],
	]);
	assert.deepEqual(await rowsOf(page, 'table-breaches-agent'), [['Ann Agent', '1'], ['Bob Agent', '1'], ['Unassigned', '1']]);
	assert.deepEqual(await rowsOf(page, 'table-breaches-team'), [['Front', '3']]);
	assert.deepEqual(await rowsOf(page, 'table-suppliers'), [
		['Courier Co', '1', '0:30:00', '0:30:00', '0:30:00', '0:30:00', '0:30:00'],
		['Parts Ltd', '3', '32:20:00', '32:00:00', '64:00:00', '1:00:00', '1:00:00'],
	]);
	assert.deepEqual(await rowsOf(page, 'table-agents'), [
		['Ann Agent', '4', '4', '3', '4:00:00', '2:00:00', '1'],
		['Bob Agent', '3', '3', '3', '2:00:00', '0:00:00', '1'],
		['Mia Manager', '1', '0', '0', '–', '–', '0'],
	]);
	const help = await page.getByTestId('report-help').textContent();
	for (const rule of ['nearest-rank', 'counts once in "resolved" for each resolution', 'counted in the one it is in at the end of the range'])
		assert.ok(help.includes(rule), `the help states: ${rule}`);

	// A filter narrows every report: Echo Ltd's three tickets.
	await page.getByTestId('report-filter-company').selectOption({ label: 'Echo Ltd' });
	await page.getByTestId('report-apply').click();
	await page.waitForFunction(() => {
		const t = document.querySelector('[data-testid="table-times"] tbody tr td:nth-child(3)');
		return t && t.textContent === '3';
	});
	await page.locator('[data-testid="report-lights"][data-state="ready"]').waitFor();
	await page.waitForFunction(() => (document.querySelector('[data-testid="lights-tickets"]') || {}).textContent === '3 tickets created in the range.');
	assert.deepEqual((await rowsOf(page, 'table-lights'))[1], ['Supplier response to us', '2 (66.7%)', '0 (0.0%)', '1 (33.3%)']);
	assert.match(page.url(), /company=\d+/);
	errors.assertClean();
	await context.close();
});

test('an agent sees their own figures, and no per-day volume', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/); // asked before signing in
	await openReports(page, 'bob@fig.example');
	assert.equal(await page.getByTestId('report-volume').count(), 0);
	assert.equal(await page.getByTestId('report-filter-agent').count(), 0);
	assert.deepEqual(await rowsOf(page, 'table-agents'), [['Bob Agent', '3', '3', '3', '2:00:00', '0:00:00', '1']]);
	assert.deepEqual(await rowsOf(page, 'table-times'), [
		['First response', 'Calendar', '2', '13:00:00', '2:00:00', '24:00:00'],
		['First response', 'Business', '2', '0:00:00', '0:00:00', '0:00:00'],
		['Resolution', 'Calendar', '2', '43:45:00', '32:00:00', '55:30:00'],
		['Resolution', 'Business', '2', '4:15:00', '0:30:00', '8:00:00'],
	]);
	assert.equal(await page.getByTestId('chart-agents').locator('canvas').count(), 1);
	errors.assertClean();
	await context.close();
});
