// The board's red count rises while the pop-up is open, because a real ticket turned red: no
// answer of /board is faked. The ticket is made older in the database (its timeline and its
// lights by the same interval, on a calendar that counts around the clock) so that it turns red
// a few seconds after the page is open; the desk's own polling then shows the new count, per
// level and for the ticket's team, without reloading. The ticket view then tells the response
// clock's history: started, amber, red, each with its cause, replayed from the timeline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, newContext, watchErrors, signIn, apiLogin, api, uniqueTag } from './lib.mjs';
import { applyTenant, dbEnv } from '../api/lib.mjs';

const PASS = 'Live-Pass-123';
const slug = ('v' + uniqueTag()).toLowerCase().slice(0, 24);
let browser;

function sql(statement) {
	const env = dbEnv();
	return execFileSync('mariadb', ['--socket', env.PORTAL_DB_SOCKET, '-u', 'portal', `-p${env.PORTAL_DB_PASSWORD}`,
		'-N', '-B', 'portal', '-e', statement], { encoding: 'utf8' }).trim();
}

const around = { time_zone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])) };
const thresholds = [];
for (const priority of ['low', 'normal', 'high', 'urgent'])
	for (const level of [1, 2, 3])
		thresholds.push({ priority, level, amber_minutes: priority === 'urgent' && level === 1 ? 5 : 60, red_minutes: priority === 'urgent' && level === 1 ? 10 : 120 });

before(async () => {
	applyTenant({
		slug, name: 'Livewire', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Livewire Help', issue_word: 'ticket', primary_color: '#0f766e', accent_color: '#f0fdfa', logo: 'logo.svg' },
		settings: { customers_see_company: false, agents_see_all: false }, companies: ['Volt'], default_password: PASS,
		teams: [{ name: 'Wiring', members: ['agent@live.example'] }],
		routing: { team: 'Wiring', intake: 'manual' },
		users: [
			{ email: 'admin@live.example', name: 'Liv Admin', role: 'admin' },
			{ email: 'agent@live.example', name: 'Lou Agent', role: 'agent' },
			{ email: 'cust@volt.example', name: 'Val Customer', role: 'customer', company: 'Volt' },
		],
	});
	const admin = (await apiLogin(slug, 'admin@live.example', PASS)).token;
	const put = await api(slug, 'PUT', '/api/v1/admin/lights', { token: admin, body: { calendar: around, thresholds } });
	assert.equal(put.status, 200, put.text);
	const id = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
	for (let i = 0; i < 100 && sql(`SELECT lights_version = lights_done_version FROM tenants WHERE id = ${id}`) !== '1'; i++)
		await new Promise((r) => setTimeout(r, 100));
	browser = await launch();
});

after(async () => {
	if (browser) await browser.close();
});

test('the open board shows a red count that rises when a real ticket turns red, without reloading', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	const boards = [];
	page.on('response', (res) => {
		if (new URL(res.url()).pathname === '/api/v1/board' && res.status() === 200) res.json().then((b) => boards.push(b), () => {});
	});
	await signIn(page, slug, 'admin@live.example', PASS);
	await page.getByTestId('board-toggle').click();
	await page.getByTestId('board-grid').waitFor();
	assert.equal(await page.getByTestId('board-red-1').textContent(), '0');
	assert.equal(await page.getByTestId('board-red-total').textContent(), '0');
	await page.evaluate(() => { window.__sameDocument = true; });

	// An urgent ticket (red after 10 minutes), raised 9 minutes 52 seconds ago: red in 8 seconds.
	const cust = await apiLogin(slug, 'cust@volt.example', PASS);
	const created = await api(slug, 'POST', '/api/v1/tickets', { token: cust.token, body: { subject: `Sparks ${uniqueTag()}`, priority: 'urgent' } });
	assert.equal(created.status, 201, created.text);
	const number = created.json.number;
	const tenantId = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
	const ticketId = sql(`SELECT id FROM tickets WHERE tenant_id = ${tenantId} AND number = ${number}`);
	sql(`UPDATE ticket_events SET created_at = created_at - INTERVAL 592 SECOND WHERE tenant_id = ${tenantId} AND ticket_id = ${ticketId};
		UPDATE ticket_lights SET cycle_started_at = cycle_started_at - INTERVAL 592 SECOND, running_since = running_since - INTERVAL 592 SECOND,
		amber_at = amber_at - INTERVAL 592 SECOND, red_at = red_at - INTERVAL 592 SECOND WHERE tenant_id = ${tenantId} AND ticket_id = ${ticketId}`);
	const redAt = Date.parse((await api(slug, 'GET', `/api/v1/tickets/${number}`, { token: (await apiLogin(slug, 'admin@live.example', PASS)).token })).json.lights.response.red_at);
	assert.ok(redAt > Date.now(), 'not red yet');

	// The desk polls every 20 s: within one poll after the ticket turned red, the count is 1.
	await page.waitForFunction(() => document.querySelector('[data-testid="board-red-1"]')?.textContent === '1', null, { timeout: 45000 });
	assert.ok(Date.now() >= redAt, 'shown red only once it is red');
	assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
	assert.equal(await page.getByTestId('board-red-total').textContent(), '1');
	assert.equal(await page.getByTestId('board-toggle').getAttribute('data-alert'), 'true');
	assert.match(await page.getByTestId('board-alert').textContent(), /Response to the customer now 1 \(was 0\)/);
	if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/07-board.png` });
	// The team's row counts it too.
	const team = page.locator('[data-testid="board-team"][data-team="Wiring"]');
	assert.equal(await team.getByTestId('board-team-red-1').textContent(), '1');
	assert.equal(await team.getByTestId('board-team-green-3').textContent(), '1');
	const worst = page.getByTestId('board-worst-item');
	assert.equal(await worst.count(), 1);
	assert.equal(await worst.getAttribute('data-number'), String(number));
	// What the page showed is what the server answered.
	const last = boards[boards.length - 1];
	assert.deepEqual(last.levels.map((l) => [l.green, l.amber, l.red]), [[0, 0, 1], [0, 0, 0], [1, 0, 0]]);

	// The ticket view tells the response clock's story, replayed from the timeline.
	await worst.locator('a').click();
	await page.getByTestId('sl-response-history').waitFor();
	await page.getByTestId('sl-response-history').locator('summary').click();
	const whats = await page.getByTestId('sl-response-history').getByTestId('clock-entry').evaluateAll((els) => els.map((e) => e.dataset.what));
	assert.deepEqual(whats, ['started', 'amber', 'red']);
	assert.equal(await page.getByTestId('sl-replay').getAttribute('data-consistent'), 'true');
	assert.equal(await page.getByTestId('sl-response-colour').textContent(), 'Red');
	if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/07-history.png`, fullPage: true });
	errors.assertClean();
	await context.close();
});
