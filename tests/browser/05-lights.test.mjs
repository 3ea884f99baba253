// Traffic lights in the agent desk: the board in the header (polled with
// If-None-Match, drawing attention when a red count rises), the dots in the
// queue, the service-level and supplier-request cards of the ticket view, the
// admin's service-level settings; and none of it in the customer portal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, watchErrors, signIn, apiLogin, findUser, api, uniqueTag, texts, url, queueShows } from './lib.mjs';

const LEVELS = [
	{ level: 1, key: 'response', label: 'Response to the customer' },
	{ level: 2, key: 'supplier', label: 'Supplier response to us' },
	{ level: 3, key: 'communication', label: 'Communication with the customer' },
];

let browser;
let staffToken;
let adminToken;
let carol;
let agent1;
let originalLights; // the admin settings before this file ran, put back after it

before(async () => {
	browser = await launch();
	staffToken = (await apiLogin('acme', 'manager@acme.example')).token;
	adminToken = (await apiLogin('acme', 'admin@acme.example')).token;
	carol = await findUser('acme', staffToken, 'customer', 'carol@northwind.example');
	agent1 = await findUser('acme', staffToken, 'staff', 'agent1@acme.example');
	const res = await api('acme', 'GET', '/api/v1/admin/lights', { token: adminToken });
	assert.equal(res.status, 200, res.text);
	originalLights = res.json;
});

after(async () => {
	if (browser) await browser.close();
	// Whatever happened, the tenant's settings end as they began.
	if (originalLights) {
		const token = (await apiLogin('acme', 'admin@acme.example')).token;
		const now = await api('acme', 'GET', '/api/v1/admin/lights', { token });
		assert.equal(now.status, 200, now.text);
		if (JSON.stringify(now.json) !== JSON.stringify(originalLights)) {
			const put = await api('acme', 'PUT', '/api/v1/admin/lights', { token, body: originalLights });
			assert.equal(put.status, 200, put.text);
		}
	}
});

/** Every answer the page gets for /api/v1/board: status, ETag, the If-None-Match it sent, body. */
function watchBoard(page) {
	const seen = [];
	page.on('response', (res) => {
		if (new URL(res.url()).pathname !== '/api/v1/board') return;
		const entry = {
			status: res.status(),
			etag: res.headers().etag || null,
			sent: res.request().headers()['if-none-match'] || null,
			body: null,
		};
		entry.ready = res.status() === 200 ? res.json().then((b) => { entry.body = b; }) : Promise.resolve();
		seen.push(entry);
	});
	return seen;
}

async function until(fn, what, ms = 10000) {
	const end = Date.now() + ms;
	while (!(await fn())) {
		if (Date.now() > end) throw new Error('timed out waiting for ' + what);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** The last board body the page received with a 200. */
async function latestBoard(seen) {
	await Promise.all(seen.map((e) => e.ready));
	const full = seen.filter((e) => e.status === 200);
	return full[full.length - 1].body;
}

const redTotal = (board) => board.levels.reduce((n, l) => n + l.red, 0);

/** The board's grid as {"red-1": "0", ...}, read from the page. */
function gridOf(page) {
	return page.getByTestId('board-panel').evaluate((panel) => {
		const out = {};
		for (const el of panel.querySelectorAll('[data-testid^="board-"]')) {
			const m = /^board-(red|amber|green)-(\d)$/.exec(el.dataset.testid);
			if (m) out[m[1] + '-' + m[2]] = el.textContent;
		}
		return out;
	});
}

function expectedGrid(board) {
	const out = {};
	for (const l of board.levels) for (const c of ['red', 'amber', 'green']) out[c + '-' + l.level] = String(l[c]);
	return out;
}

/** An instant as the UI shows it (medium date, short time) in the page's zone. */
function shown(page, iso) {
	return page.evaluate((i) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(i)), iso);
}

async function createTicket(subject, priority = 'normal') {
	const res = await api('acme', 'POST', '/api/v1/tickets', {
		token: staffToken, body: { subject, description: 'Raised by the lights tests.', customer_id: carol.id, priority },
	});
	assert.equal(res.status, 201, res.text);
	return res.json;
}

test('the board: counts per level and colour as the server answers them, on every desk page', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	const seen = watchBoard(page);

	await signIn(page, 'acme', 'agent1@acme.example');
	const toggle = page.getByTestId('board-toggle');
	assert.equal(await toggle.isVisible(), true);
	await page.locator('[data-testid="board-toggle"]:not([data-red=""])').waitFor();
	assert.equal(seen[0].status, 200);
	assert.equal(seen[0].sent, null);
	assert.match(seen[0].etag, /^"[^"]+"$/);
	const first = await latestBoard(seen);
	assert.deepEqual(first.levels.map((l) => [l.level, l.name]), [[1, 'response'], [2, 'supplier'], [3, 'communication']]);
	assert.equal(await toggle.getAttribute('data-red'), String(redTotal(first)));
	assert.equal(await page.getByTestId('board-red-total').innerText(), String(redTotal(first)));
	assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
	assert.equal(await page.getByTestId('board-panel').count(), 0);

	// Opening asks again, with the ETag it has: 304 if nothing changed.
	await toggle.click();
	await page.getByTestId('board-panel').waitFor();
	assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
	await until(() => seen.length >= 2, 'the refresh on opening');
	assert.equal(seen[1].sent, seen[0].etag);
	assert.ok([200, 304].includes(seen[1].status), `status ${seen[1].status}`);
	const board = await latestBoard(seen);
	const want = expectedGrid(board);
	await page.waitForFunction((w) => {
		const panel = document.querySelector('[data-testid="board-panel"]');
		return panel && Object.entries(w).every(([k, v]) => {
			const el = panel.querySelector(`[data-testid="board-${k}"]`);
			return el && el.textContent === v;
		});
	}, want);
	const grid = await gridOf(page);
	assert.deepEqual(grid, want);
	assert.equal(Object.keys(grid).length, 9);
	for (const v of Object.values(grid)) assert.match(v, /^\d+$/);
	assert.deepEqual(
		(await page.getByTestId('board-panel').locator('tbody th').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim()),
		LEVELS.map((l) => `${l.level} ${l.label}`),
	);
	assert.equal(await page.getByTestId('board-as-of').locator('time').getAttribute('datetime'), board.as_of);
	const worst = page.getByTestId('board-worst-item');
	assert.equal(await worst.count(), board.worst.length);
	if (board.worst.length === 0) {
		assert.equal(await page.getByTestId('board-worst-empty').innerText(), 'No ticket is red.');
	} else {
		assert.equal(await worst.nth(0).getAttribute('data-number'), String(board.worst[0].number));
		assert.equal(await worst.nth(0).locator('a').getAttribute('href'), `#/tickets/${board.worst[0].number}`);
	}

	// Escape closes it and gives the focus back to the button.
	await page.keyboard.press('Escape');
	assert.equal(await page.getByTestId('board-panel').count(), 0);
	assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
	assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.dataset.testid), 'board-toggle');

	// The button is on every page of the desk, and the panel opens there too.
	const ticket = await createTicket(`Board everywhere ${uniqueTag()}`);
	for (const hash of ['#/new', `#/tickets/${ticket.number}`, '#/no/such/page']) {
		await page.goto(url('acme', hash));
		await page.locator('[data-testid="board-toggle"]:not([data-red=""])').waitFor();
		await page.getByTestId('board-toggle').click();
		await page.getByTestId('board-panel').waitFor();
		assert.equal(await page.getByTestId('board-panel').locator('[data-testid^="board-red-"]').count(), 3);
		await page.getByTestId('board-toggle').click();
		assert.equal(await page.getByTestId('board-panel').count(), 0);
	}

	errors.assertClean();
	await context.close();
});

test('the board polls every 20 s with If-None-Match and draws attention when a red count rises', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	const levels = (reds, ambers = [0, 0, 0], greens = [4, 0, 2]) => LEVELS.map((l, i) => ({
		level: l.level, name: l.key, green: greens[i], amber: ambers[i], red: reds[i],
	}));
	let state = { etag: '"t1"', body: { levels: levels([0, 0, 1]), worst: [], as_of: '2026-12-03T10:00:00Z' } };
	const asked = [];
	await page.route('**/api/v1/board', async (route) => {
		const sent = route.request().headers()['if-none-match'] || null;
		asked.push(sent);
		if (sent === state.etag) {
			await route.fulfill({ status: 304, headers: { ETag: state.etag, 'Cache-Control': 'no-store' } });
		} else {
			await route.fulfill({
				status: 200, contentType: 'application/json',
				headers: { ETag: state.etag, 'Cache-Control': 'no-store' }, body: JSON.stringify(state.body),
			});
		}
	});
	await page.clock.install();
	await signIn(page, 'acme', 'agent2@acme.example');
	const toggle = page.getByTestId('board-toggle');
	await page.locator('[data-testid="board-toggle"][data-red="1"]').waitFor();
	assert.deepEqual(asked, [null]);
	assert.equal(await toggle.getAttribute('data-alert'), 'false');
	assert.equal(await page.getByTestId('board-announce').textContent(), '');

	// 20 s later: the same ETag goes back, the answer is 304 and nothing changes.
	await page.clock.fastForward(20000);
	await until(() => asked.length === 2, 'the second poll');
	assert.deepEqual(asked, [null, '"t1"']);
	await page.waitForTimeout(200);
	assert.equal(await toggle.getAttribute('data-red'), '1');
	assert.equal(await toggle.getAttribute('data-alert'), 'false');

	// A ticket turns red on level 1: the badge pulses and a polite message says so.
	state = {
		etag: '"t2"',
		body: {
			levels: levels([2, 0, 1]),
			worst: [
				{ number: 4242, subject: 'Server room flooded', level: 1, red_since: '2026-12-03T09:15:00Z', assignee: 'Alan Agent' },
				{ number: 4243, subject: 'Printer jam', level: 3, red_since: '2026-12-03T09:40:00Z', assignee: null },
			],
			as_of: '2026-12-03T10:00:20Z',
		},
	};
	await page.clock.fastForward(20000);
	await page.locator('[data-testid="board-toggle"][data-red="3"][data-alert="true"]').waitFor();
	assert.deepEqual(asked, [null, '"t1"', '"t1"']);
	assert.equal(await page.getByTestId('board-red-total').innerText(), '3');
	assert.match(await page.getByTestId('board-red-total').getAttribute('class'), /\bboard-badge-alert\b/);
	const announce = page.getByTestId('board-announce');
	assert.equal(await announce.getAttribute('aria-live'), 'polite');
	assert.equal(await announce.textContent(), 'More red lights: Response to the customer now 2 (was 0).');

	await toggle.click();
	await page.getByTestId('board-panel').waitFor();
	assert.equal(await page.getByTestId('board-alert').innerText(), 'More red lights: Response to the customer now 2 (was 0).');
	await until(async () => (await gridOf(page))['red-1'] === '2', 'the grid');
	assert.deepEqual(await gridOf(page), {
		'red-1': '2', 'amber-1': '0', 'green-1': '4',
		'red-2': '0', 'amber-2': '0', 'green-2': '0',
		'red-3': '1', 'amber-3': '0', 'green-3': '2',
	});
	const items = page.getByTestId('board-worst-item');
	assert.equal(await items.count(), 2);
	assert.deepEqual(await items.evaluateAll((els) => els.map((e) => [e.dataset.number, e.querySelector('a').getAttribute('href')])),
		[['4242', '#/tickets/4242'], ['4243', '#/tickets/4243']]);
	assert.equal((await items.nth(0).locator('a').innerText()).trim(), '#4242 Server room flooded');
	const since = await shown(page, '2026-12-03T09:15:00Z');
	assert.equal((await items.nth(0).locator('.board-worst-meta').innerText()).replace(/\s+/g, ' ').trim(),
		`Response to the customer · red since ${since} · Alan Agent`);
	assert.match(await items.nth(1).locator('.board-worst-meta').innerText(), /Communication with the customer · red since .* · Unassigned$/);

	// Closing the panel acknowledges the alert.
	await page.getByTestId('queue').click({ position: { x: 5, y: 5 } });
	assert.equal(await page.getByTestId('board-panel').count(), 0);
	assert.equal(await toggle.getAttribute('data-alert'), 'false');
	assert.equal(await announce.textContent(), '');
	assert.doesNotMatch(await page.getByTestId('board-red-total').getAttribute('class'), /\bboard-badge-alert\b/);

	// Fewer reds is no alarm.
	state = { etag: '"t3"', body: { levels: levels([1, 0, 1]), worst: [], as_of: '2026-12-03T10:00:40Z' } };
	await page.clock.fastForward(20000);
	await page.locator('[data-testid="board-toggle"][data-red="2"]').waitFor();
	assert.equal(await toggle.getAttribute('data-alert'), 'false');
	// (the fourth ask was the refresh on opening the panel, answered 304)
	assert.deepEqual(asked, [null, '"t1"', '"t1"', '"t2"', '"t2"']);

	errors.assertClean();
	await context.close();
});

test('a ticket made through the API shows its lights in the queue', async () => {
	const tag = uniqueTag();
	const ticket = await createTicket(`Lights in the queue ${tag}`);
	assert.equal(ticket.lights.response.colour, 'green');
	const stored = await api('acme', 'GET', `/api/v1/tickets/${ticket.number}`, { token: staffToken });
	assert.equal(stored.status, 200);
	const lights = stored.json.lights;

	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	await signIn(page, 'acme', 'agent1@acme.example');
	await page.getByTestId('filter-q').fill(tag);
	await queueShows(page, `q=${tag}`);
	assert.deepEqual(await page.getByTestId('queue-number').allInnerTexts(), [String(ticket.number)]);
	assert.deepEqual(
		(await page.getByTestId('queue-table').locator('thead th').allTextContents()),
		['#', 'Lights', 'Subject', 'Status', 'Priority', 'Customer', 'Assignee', 'Updated'],
	);

	const dots = page.getByTestId(`lights-${ticket.number}`);
	assert.equal(await dots.getAttribute('data-response'), 'green');
	assert.equal(await dots.getAttribute('data-supplier'), 'off');
	assert.equal(await dots.getAttribute('data-communication'), 'green');
	assert.deepEqual([lights.response.colour, lights.supplier.colour, lights.communication.colour], ['green', 'off', 'green']);
	const titles = await dots.locator('.light').evaluateAll((els) => els.map((e) => [e.className, e.getAttribute('title')]));
	const r = lights.response;
	const c = lights.communication;
	assert.deepEqual(titles, [
		['light light-green', `Response to the customer: Green, turns amber ${await shown(page, r.amber_at)}, red ${await shown(page, r.red_at)}`],
		['light light-off', 'Supplier response to us: Off (no clock running)'],
		['light light-green', `Communication with the customer: Green, turns amber ${await shown(page, c.amber_at)}, red ${await shown(page, c.red_at)}`],
	]);

	errors.assertClean();
	await context.close();
});

test('a supplier request is opened and answered from the ticket view', async () => {
	const tag = uniqueTag();
	const ticket = await createTicket(`Waiting on the courier ${tag}`, 'high');
	const supplier = `Speedy Couriers ${tag}`;
	const question = `Where is parcel ${tag}?\nIt left the depot on Monday.`;

	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	await signIn(page, 'acme', 'agent1@acme.example');
	await page.goto(url('acme', `#/tickets/${ticket.number}`));
	await page.getByTestId('supplier-requests-empty').waitFor();
	assert.equal(await page.getByTestId('supplier-requests-empty').innerText(), 'No supplier has been asked about this ticket.');

	// Before: the supplier clock is off; the other two run.
	const card = page.getByTestId('service-levels');
	assert.equal(await card.locator('.panel-title').innerText(), 'SERVICE LEVELS');
	assert.equal(await page.getByTestId('sl-supplier').getAttribute('data-colour'), 'off');
	assert.equal(await page.getByTestId('sl-supplier-clock').innerText(), 'Not running');
	assert.equal(await page.getByTestId('sl-response').getAttribute('data-colour'), 'green');
	assert.equal(await page.getByTestId('sl-response-clock').innerText(), 'Running');
	assert.equal(await page.getByTestId('sl-response-colour').innerText(), 'GREEN');
	const r = ticket.lights.response;
	assert.equal(await page.getByTestId('sl-response-started').locator('time').getAttribute('datetime'), r.started_at);
	assert.equal(await page.getByTestId('sl-response-amber').innerText(), await shown(page, r.amber_at));
	assert.equal(await page.getByTestId('sl-response-red').innerText(), await shown(page, r.red_at));
	assert.equal(await page.getByTestId('sl-response-amber').locator('time').getAttribute('datetime'), r.amber_at);
	assert.deepEqual(await page.getByTestId('sl-response').locator('dt').allInnerTexts(), ['Clock', 'Cycle started', 'Turns amber', 'Turns red']);

	assert.equal(await page.getByTestId('supplier-submit').isDisabled(), true);
	await page.getByTestId('supplier-name').fill(supplier);
	await page.getByTestId('supplier-question').fill(question);
	await page.getByTestId('supplier-submit').click();
	const item = page.getByTestId('supplier-request');
	await item.waitFor();
	assert.equal(await item.count(), 1);
	assert.equal(await page.getByTestId('supplier-name').inputValue(), '');
	assert.equal(await page.getByTestId('supplier-question').inputValue(), '');

	const listed = await api('acme', 'GET', `/api/v1/tickets/${ticket.number}/supplier_requests`, { token: staffToken });
	assert.equal(listed.status, 200);
	assert.equal(listed.json.data.length, 1);
	const req = listed.json.data[0];
	assert.equal(req.supplier, supplier);
	assert.equal(req.question, question);
	assert.equal(req.answered_at, null);
	assert.equal(req.opened_by, agent1.name);

	assert.equal(await item.getAttribute('data-id'), String(req.id));
	assert.equal(await item.getAttribute('data-answered'), 'false');
	assert.equal(await item.getByTestId('supplier-request-supplier').innerText(), supplier);
	assert.equal(await item.getByTestId('supplier-request-question').innerText(), question);
	assert.equal(await item.getByTestId('supplier-request-opened').innerText(), `asked ${await shown(page, req.opened_at)} by ${agent1.name}`);
	assert.equal(await item.getByTestId('supplier-request-waiting').innerText(), 'WAITING');
	assert.equal(await item.getByTestId('supplier-request-answer').innerText(), 'Answered');

	// The supplier clock now runs, as the server says.
	await page.locator('[data-testid="sl-supplier"][data-colour="green"]').waitFor();
	const during = (await api('acme', 'GET', `/api/v1/tickets/${ticket.number}`, { token: staffToken })).json.lights.supplier;
	assert.equal(during.colour, 'green');
	assert.equal(during.running, true);
	assert.equal(await page.getByTestId('sl-supplier-clock').innerText(), 'Running');
	assert.equal(await page.getByTestId('sl-supplier-red').innerText(), await shown(page, during.red_at));
	await page.getByTestId('timeline-text').filter({ hasText: `asked ${supplier} (supplier request)` }).waitFor();

	// Answered.
	await item.getByTestId('supplier-request-answer').click();
	await page.locator('[data-testid="supplier-request"][data-answered="true"]').waitFor();
	const answered = (await api('acme', 'GET', `/api/v1/tickets/${ticket.number}/supplier_requests`, { token: staffToken })).json.data[0];
	assert.match(answered.answered_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	assert.equal(await item.getByTestId('supplier-request-answered').innerText(), 'ANSWERED');
	assert.equal(await item.locator('.supplier-state time').getAttribute('datetime'), answered.answered_at);
	assert.equal(await item.getByTestId('supplier-request-answer').count(), 0);
	await page.locator('[data-testid="sl-supplier"][data-colour="off"]').waitFor();
	assert.equal(await page.getByTestId('sl-supplier-clock').innerText(), 'Not running');
	await page.getByTestId('timeline-text').filter({ hasText: `recorded the answer from ${supplier}` }).waitFor();
	assert.deepEqual(await texts(page, 'timeline-text'), [
		'created the ticket', `asked ${supplier} (supplier request)`, `recorded the answer from ${supplier}`,
	]);

	// A second answer is refused by the server (409); a reload shows the same.
	const again = await api('acme', 'POST', `/api/v1/tickets/${ticket.number}/supplier_requests/${req.id}/answer`, { token: staffToken });
	assert.equal(again.status, 409);
	await page.reload();
	await page.locator('[data-testid="supplier-request"][data-answered="true"]').waitFor();
	assert.equal(await page.getByTestId('supplier-request').count(), 1);

	errors.assertClean();
	await context.close();
});

test('the admin edits a threshold in Settings → Service levels; an agent has no Settings', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	const before = (await api('acme', 'GET', '/api/v1/admin/lights', { token: adminToken })).json;
	const old = before.thresholds.find((t) => t.priority === 'low' && t.level === 3);
	const next = old.amber_minutes + 1 < old.red_minutes ? old.amber_minutes + 1 : old.amber_minutes - 1;

	await signIn(page, 'acme', 'admin@acme.example');
	assert.equal(await page.getByTestId('nav-settings').innerText(), 'Settings');
	await page.getByTestId('nav-settings').click();
	await page.getByTestId('settings-service-levels-link').click();
	const amber = page.getByTestId('threshold-low-3-amber');
	await amber.waitFor();
	assert.equal(new URL(page.url()).hash, '#/settings/service-levels');
	assert.equal(await amber.inputValue(), String(old.amber_minutes));
	assert.equal(await page.getByTestId('threshold-low-3-red').inputValue(), String(old.red_minutes));
	assert.equal(await page.getByTestId('settings-time-zone').inputValue(), before.calendar.time_zone);
	// All twelve thresholds are there, as the server has them.
	for (const t of before.thresholds) {
		const id = `threshold-${t.priority}-${t.level}`;
		assert.equal(await page.getByTestId(`${id}-amber`).inputValue(), String(t.amber_minutes), id);
		assert.equal(await page.getByTestId(`${id}-red`).inputValue(), String(t.red_minutes), id);
		assert.equal(await page.getByTestId(`${id}-enabled`).isChecked(), t.enabled, id);
	}
	const mon = before.calendar.week.mon || [];
	assert.equal(await page.locator('[data-testid^="span-mon-"][data-testid$="-from"]').count(), mon.length);
	if (mon.length) assert.equal(await page.getByTestId('span-mon-0-from').inputValue(), mon[0][0]);
	assert.equal(await page.locator('[data-testid^="holiday-"][data-testid$="-date"]').count(), before.calendar.holidays.length);

	// A time zone the server does not know: 422, its message shown, nothing saved.
	errors.expect(/^\/api\/v1\/admin\/lights$/);
	await page.getByTestId('settings-time-zone').fill('Mars/Olympus_Mons');
	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-errors').waitFor();
	assert.equal(await page.getByTestId('settings-errors').locator('p').innerText(),
		'The server did not accept these settings, so nothing was saved:');
	assert.deepEqual(await texts(page, 'settings-error-item'), ['Time zone: unknown time zone']);
	assert.deepEqual((await api('acme', 'GET', '/api/v1/admin/lights', { token: adminToken })).json, before);
	await page.getByTestId('settings-discard').click();
	assert.equal(await page.getByTestId('settings-time-zone').inputValue(), before.calendar.time_zone);
	assert.equal(await page.getByTestId('settings-errors').count(), 0);

	// Amber must come before red: caught before anything is sent.
	await amber.fill(String(old.red_minutes));
	await page.getByTestId('settings-save').click();
	assert.deepEqual(await texts(page, 'settings-error-item'),
		['Low priority, level 3 (Communication with the customer): amber must come before red (fewer minutes)']);
	await page.getByTestId('settings-discard').click();

	// The real change: saved, and still there after a reload.
	await amber.fill(String(next));
	assert.equal(await page.getByTestId('settings-dirty').innerText(), 'Unsaved changes');
	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-saved').waitFor();
	assert.equal(await page.getByTestId('settings-saved').innerText(), 'Saved. Open tickets now follow the new settings.');
	assert.equal(await page.getByTestId('settings-dirty').count(), 0);
	const saved = (await api('acme', 'GET', '/api/v1/admin/lights', { token: adminToken })).json;
	assert.equal(saved.thresholds.find((t) => t.priority === 'low' && t.level === 3).amber_minutes, next);
	const expected = structuredClone(before);
	expected.thresholds.find((t) => t.priority === 'low' && t.level === 3).amber_minutes = next;
	assert.deepEqual(saved, expected, 'only that one value changed');

	await page.reload();
	await amber.waitFor();
	assert.equal(await amber.inputValue(), String(next));

	// Put the old value back through the same page.
	await amber.fill(String(old.amber_minutes));
	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-saved').waitFor();
	assert.deepEqual((await api('acme', 'GET', '/api/v1/admin/lights', { token: adminToken })).json, before);

	errors.assertClean();
	await context.close();

	// An agent sees no Settings link, and the address alone shows no settings.
	const agentContext = await newContext(browser);
	const agentPage = await agentContext.newPage();
	const agentErrors = watchErrors(agentPage);
	agentErrors.expect(/^\/api\/v1\/me$/);
	const adminCalls = [];
	agentPage.on('request', (req) => { if (new URL(req.url()).pathname.startsWith('/api/v1/admin')) adminCalls.push(req.url()); });
	await signIn(agentPage, 'acme', 'agent1@acme.example');
	await agentPage.getByTestId('queue-table').or(agentPage.getByTestId('queue-empty')).first().waitFor();
	assert.equal(await agentPage.getByTestId('nav-settings').count(), 0);
	assert.equal(await agentPage.getByTestId('board-toggle').isVisible(), true);
	await agentPage.goto(url('acme', '#/settings/service-levels'));
	await agentPage.getByTestId('settings-forbidden').waitFor();
	assert.equal(await agentPage.getByTestId('settings-forbidden').locator('p').first().innerText(),
		'Only administrators can change the settings.');
	assert.equal(await agentPage.getByTestId('service-level-settings').count(), 0);
	assert.deepEqual(adminCalls, []);
	agentErrors.assertClean();
	await agentContext.close();
});

test('a customer sees no board, no lights and no supplier requests', async () => {
	const tag = uniqueTag();
	const ticket = await createTicket(`Customer view without lights ${tag}`);
	const carolToken = (await apiLogin('acme', 'carol@northwind.example')).token;
	const asCustomer = await api('acme', 'GET', `/api/v1/tickets/${ticket.number}`, { token: carolToken });
	assert.equal(asCustomer.status, 200);
	assert.equal('lights' in asCustomer.json, false);
	assert.equal((await api('acme', 'GET', '/api/v1/board', { token: carolToken })).status, 403);

	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	const calls = [];
	page.on('request', (req) => calls.push(new URL(req.url()).pathname));

	await signIn(page, 'acme', 'carol@northwind.example');
	const row = page.locator(`[data-testid="portal-ticket-row"][data-number="${ticket.number}"]`);
	await row.waitFor();
	const check = async () => {
		assert.equal(await page.getByTestId('board-toggle').count(), 0);
		assert.equal(await page.getByTestId('board-panel').count(), 0);
		assert.equal(await page.locator('[data-testid^="lights-"], [data-testid^="sl-"], .light, .lights').count(), 0);
		assert.equal(await page.getByTestId('service-levels').count(), 0);
		assert.equal(await page.getByTestId('supplier-requests').count(), 0);
		const text = await page.locator('body').innerText();
		assert.equal(text.includes('Service levels'), false);
		assert.equal(text.includes('Supplier requests'), false);
	};
	await check();
	await row.click();
	await page.getByTestId('ticket-subject').waitFor();
	assert.equal(await page.getByTestId('ticket-subject').innerText(), ticket.subject);
	await check();
	await page.goto(url('acme', '#/settings/service-levels'));
	await page.getByText('Page not found').waitFor();
	await check();

	assert.deepEqual(calls.filter((p) => /^\/api\/v1\/(board|admin)|supplier_requests/.test(p)), []);
	errors.assertClean();
	await context.close();
});
