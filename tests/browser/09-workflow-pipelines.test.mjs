// Tenant-configured workflows in the browser, on a tenant of their own: the admin adds a status
// to Support and an agent moves a ticket into it at once; the admin adds a Returns pipeline and a
// manager moves a ticket there from the ticket view; a customer's new ticket waits in the
// manager's triage queue in the desk; a customer never sees an internal status name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, watchErrors, signIn, api, apiLogin, uniqueTag, texts, url } from './lib.mjs';
import { applyTenant } from '../api/lib.mjs';

const PASS = 'Flow-Pass-1234';
const slug = ('w' + uniqueTag()).slice(0, 20);
const INTERNAL = 'Escalated to L3 ' + uniqueTag();
let browser, admin, customer;

before(async () => {
	applyTenant({
		slug, name: 'Flowtest', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Flow Help', issue_word: 'request', primary_color: '#4338ca', accent_color: '#eef2ff', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		routing: { intake: 'triage', manager: 'boss@flow.example', levels: { low: 1, normal: 1, high: 1, urgent: 1 },
			categories: [{ name: 'Printers', skill: 'printers' }] },
		users: [
			{ email: 'admin@flow.example', name: 'Ada Admin', role: 'admin' },
			{ email: 'boss@flow.example', name: 'Bo Boss', role: 'manager' },
			{ email: 'agent@flow.example', name: 'Al Agent', role: 'agent', skills: { printers: 3 } },
			{ email: 'cust@client.example', name: 'Cy Customer', role: 'customer', company: 'Client' },
		],
	});
	browser = await launch();
	admin = (await apiLogin(slug, 'admin@flow.example', PASS)).token;
	customer = (await apiLogin(slug, 'cust@client.example', PASS)).token;
});

after(async () => {
	if (browser) await browser.close();
});

async function customerTicket(subject) {
	const res = await api(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject, description: 'From the browser test.' } });
	assert.equal(res.status, 201, res.text);
	return res.json.number;
}

test('a customer\'s new ticket waits in the manager\'s triage queue in the desk', async () => {
	const subject = 'Toner smears ' + uniqueTag();
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	// Raised by the customer through the portal form, routed by the pipeline's triage intake.
	await signIn(page, slug, 'cust@client.example', PASS);
	await page.goto(url(slug, '#/new'));
	await page.getByTestId('new-ticket-subject').fill(subject);
	await page.getByTestId('new-ticket-description').fill('Every page has a grey stripe.');
	// The category choice appears once the tenant's categories have loaded.
	await page.getByTestId('new-ticket-category').waitFor();
	assert.deepEqual(await page.getByTestId('new-ticket-category').locator('option').allInnerTexts(), ['Something else', 'Printers']);
	await page.getByTestId('new-ticket-category').selectOption('Printers');
	await page.getByTestId('new-ticket-submit').click();
	await page.getByTestId('ticket-view').waitFor();
	const number = Number(await page.getByTestId('ticket-view').getAttribute('data-number'));
	errors.assertClean();
	await context.close();

	const desk = await newContext(browser);
	const boss = await desk.newPage();
	const deskErrors = watchErrors(boss);
	deskErrors.expect(/^\/api\/v1\/me$/);
	await signIn(boss, slug, 'boss@flow.example', PASS);
	await boss.getByTestId('filter-queue').selectOption('triage');
	await boss.getByTestId('queue-row').first().waitFor();
	assert.deepEqual(await texts(boss, 'queue-subject'), [subject]);
	assert.deepEqual(await boss.getByTestId('queue-badge').allTextContents(), ['Triage']);
	assert.equal(await boss.getByTestId('queue-number').first().innerText(), String(number));
	// The manager is told, in the inbox.
	const bossToken = (await apiLogin(slug, 'boss@flow.example', PASS)).token;
	const inbox = await api(slug, 'GET', '/api/v1/notifications', { token: bossToken });
	assert.ok(inbox.json.data.some((n) => n.ticket === number && n.kind === 'triage'), JSON.stringify(inbox.json));
	deskErrors.assertClean();
	await desk.close();
});

test('the admin adds a status to Support and an agent moves a ticket into it at once', async () => {
	const number = await customerTicket('Paper tray stuck ' + uniqueTag());
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	await signIn(page, slug, 'admin@flow.example', PASS);
	await page.goto(url(slug, '#/settings/pipelines'));
	await page.getByTestId('pipeline-settings').waitFor();
	await page.getByTestId('pipeline-add-status').click();
	const row = page.getByTestId('status-5');
	await row.getByTestId('status-5-key').fill('escalated_l3');
	await row.getByTestId('status-5-staff-name').fill(INTERNAL);
	await row.getByTestId('status-5-customer-name').fill('Being worked on');
	await row.getByTestId('status-5-move-in_progress').check();
	await page.getByTestId('status-0-move-escalated_l3').check();
	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-saved').waitFor();
	errors.assertClean();
	await context.close();

	const desk = await newContext(browser);
	const agent = await desk.newPage();
	const deskErrors = watchErrors(agent);
	deskErrors.expect(/^\/api\/v1\/me$/);
	await signIn(agent, slug, 'agent@flow.example', PASS);
	await agent.goto(url(slug, `#/tickets/${number}`));
	await agent.getByTestId('status-button-escalated_l3').click();
	await agent.getByTestId('ticket-status').filter({ hasText: INTERNAL }).waitFor();
	const stored = await api(slug, 'GET', `/api/v1/tickets/${number}`, { token: admin });
	assert.deepEqual([stored.json.status.key, stored.json.status.name], ['escalated_l3', INTERNAL]);
	deskErrors.assertClean();
	await desk.close();
});

test('a customer never sees an internal status name', async () => {
	const subject = 'Scanner offline ' + uniqueTag();
	const number = await customerTicket(subject);
	const moved = await api(slug, 'POST', `/api/v1/tickets/${number}/transitions`, { token: admin, body: { to: 'escalated_l3' } });
	assert.equal(moved.status, 200, moved.text);
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	await signIn(page, slug, 'cust@client.example', PASS);
	await page.getByText(subject).waitFor();
	assert.ok(!(await page.content()).includes(INTERNAL), 'the list shows the internal name');
	await page.goto(url(slug, `#/tickets/${number}`));
	await page.getByTestId('ticket-view').waitFor();
	await page.getByText('Being worked on').first().waitFor();
	assert.ok(!(await page.content()).includes(INTERNAL), 'the ticket shows the internal name');
	errors.assertClean();
	await context.close();
});

test('the admin adds a Returns pipeline; a manager moves a ticket there from the ticket view', async () => {
	const number = await customerTicket('Wrong model delivered ' + uniqueTag());
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	errors.expect(/^\/api\/v1\/admin\/pipelines$/);
	await signIn(page, slug, 'admin@flow.example', PASS);
	await page.goto(url(slug, '#/settings/pipelines'));
	await page.getByTestId('pipeline-new-key').fill('Returns!');
	await page.getByTestId('pipeline-new-name').fill('Returns');
	await page.getByTestId('pipeline-new-submit').click();
	assert.equal(await page.getByTestId('pipeline-new-error').innerText(), 'a key is 1 to 40 of a-z, 0-9 and _');
	await page.getByTestId('pipeline-new-key').fill('returns');
	await page.getByTestId('pipeline-new-submit').click();
	await page.getByTestId('pipeline-choose').waitFor();
	await page.waitForFunction(() => document.querySelector('[data-testid="pipeline-name"]').value === 'Returns');
	assert.deepEqual(await page.getByTestId('pipeline-choose').locator('option').allInnerTexts(), ['Support (default)', 'Returns']);
	await context.close();

	const desk = await newContext(browser);
	const boss = await desk.newPage();
	const deskErrors = watchErrors(boss);
	deskErrors.expect(/^\/api\/v1\/me$/);
	await signIn(boss, slug, 'boss@flow.example', PASS);
	await boss.goto(url(slug, `#/tickets/${number}`));
	await boss.getByTestId('ticket-pipeline-target').selectOption('returns');
	await boss.getByTestId('ticket-pipeline-move').click();
	await boss.getByTestId('ticket-status').filter({ hasText: 'New' }).waitFor();
	assert.equal((await boss.getByTestId('ticket-pipeline').innerText()).split('\n')[0].trim(), 'Returns');
	// The moves are the new pipeline's (its statuses load after the move), and the timeline says
	// what happened.
	await boss.getByTestId('status-buttons').locator('button').first().waitFor();
	assert.deepEqual(await boss.getByTestId('status-buttons').locator('button').allInnerTexts(), ['In progress', 'Done']);
	await boss.locator('[data-kind="pipeline_changed"]').waitFor();
	assert.equal(await boss.locator('[data-kind="pipeline_changed"] [data-testid="timeline-text"]').innerText(),
		'moved the ticket from the support pipeline (not_started) to returns (New)');
	deskErrors.assertClean();
	await desk.close();
});

test('the admin sets up teams, skills, categories and rules in Settings; refusals are shown by the row', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	errors.expect(/^\/api\/v1\/admin\/(teams|agents\/\d+|categories|rules)$/);
	const staff = (await api(slug, 'GET', '/api/v1/admin/agents', { token: admin })).json.data;
	const al = staff.find((u) => u.email === 'agent@flow.example');
	await signIn(page, slug, 'admin@flow.example', PASS);

	await page.goto(url(slug, '#/settings'));
	await page.getByTestId('settings-teams-link').click();
	await page.getByTestId('team-new-name').fill('Printer squad');
	await page.getByTestId(`team-new-member-${al.id}`).check();
	await page.getByTestId('team-new-save').click();
	const teams = async () => (await api(slug, 'GET', '/api/v1/admin/teams', { token: admin })).json.data;
	await page.locator('[data-testid^="team-"][data-testid$="-name"]').first().waitFor();
	await page.waitForFunction(() => document.querySelectorAll('form[data-testid^="team-"]').length === 2);
	const [squad] = await teams();
	assert.deepEqual([squad.name, squad.members.map((m) => m.name)], ['Printer squad', ['Al Agent']]);
	// The same name again is refused, next to the new team's row.
	await page.getByTestId('team-new-name').fill('Printer squad');
	await page.getByTestId('team-new-save').click();
	assert.match(await page.getByTestId('team-new-error').innerText(), /there is already a team with this name/);

	await page.goto(url(slug, '#/settings/skills'));
	await page.getByTestId(`agent-${al.id}-add-skill`).click();
	await page.getByTestId(`agent-${al.id}-skill-1`).fill('scanners');
	await page.getByTestId(`agent-${al.id}-level-1`).selectOption('5');
	await page.getByTestId(`agent-${al.id}-capacity`).fill('99999');
	await page.getByTestId(`agent-${al.id}-save`).click();
	assert.match(await page.getByTestId(`agent-${al.id}-error`).innerText(), /capacity must be from 0 to 10000/);
	await page.getByTestId(`agent-${al.id}-capacity`).fill('6');
	await page.getByTestId(`agent-${al.id}-save`).click();
	await page.getByTestId(`agent-${al.id}-saved`).waitFor();
	const after = (await api(slug, 'GET', '/api/v1/admin/agents', { token: admin })).json.data.find((u) => u.id === al.id);
	assert.deepEqual([after.skills, after.capacity], [{ printers: 3, scanners: 5 }, 6]);

	await page.goto(url(slug, '#/settings/categories'));
	await page.getByTestId('category-new-name').fill('Scanners');
	await page.getByTestId('category-new-skill').fill('scanners');
	await page.getByTestId('category-new-team').selectOption(String(squad.id));
	await page.getByTestId('category-new-save').click();
	await page.locator('tbody[data-testid^="category-"]').nth(2).waitFor();
	const cats = (await api(slug, 'GET', '/api/v1/admin/categories', { token: admin })).json.data;
	assert.deepEqual(cats.map((c) => [c.name, c.skill, c.team && c.team.name]), [['Printers', 'printers', null], ['Scanners', 'scanners', 'Printer squad']]);

	await page.goto(url(slug, '#/settings/rules'));
	await page.getByTestId('rules-advanced-toggle').click();
	await page.getByTestId('rules-json').fill(JSON.stringify([{ name: 'Bad', trigger: 'whenever', conditions: {}, actions: [] }]));
	await page.getByTestId('settings-save').click();
	assert.match(await page.getByTestId('settings-errors').innerText(), /trigger/);
	const rule = [{ name: 'Urgent scanners', trigger: 'created', conditions: { field: 'category', op: 'equals', value: 'Scanners' },
		actions: [{ type: 'set_priority', value: 'urgent' }] }];
	await page.getByTestId('rules-json').fill(JSON.stringify(rule));
	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-saved').waitFor();
	const stored = (await api(slug, 'GET', '/api/v1/admin/rules', { token: admin })).json.data;
	assert.deepEqual(stored.map((r) => [r.name, r.trigger]), [['Urgent scanners', 'created']]);
	errors.assertClean();
	await context.close();
});

test('an agent tags a ticket and finds it by its tag in the queue', async () => {
	const subject = 'Fuser noise ' + uniqueTag();
	const number = await customerTicket(subject);
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	errors.expect(/^\/api\/v1\/tickets\/\d+$/);
	await signIn(page, slug, 'agent@flow.example', PASS);
	await page.goto(url(slug, `#/tickets/${number}`));
	await page.getByTestId('ticket-tags-edit').click();
	await page.getByTestId('ticket-tags-input').fill('Bad Tag');
	await page.getByTestId('ticket-tags-save').click();
	assert.match(await page.getByTestId('action-error').innerText(), /a tag is 1 to 40 of a-z, 0-9, _ and -/);
	await page.getByTestId('ticket-tags-input').fill('noisy, VIP');
	await page.getByTestId('ticket-tags-save').click();
	await page.getByTestId('ticket-tag').nth(1).waitFor();
	assert.deepEqual(await texts(page, 'ticket-tag'), ['noisy', 'vip']);
	await page.goto(url(slug, '#/'));
	await page.locator('[data-testid="queue"][data-state="ready"]').waitFor();
	await page.getByTestId('filter-tag').fill('noisy');
	await page.getByTestId('filter-tag').press('Enter');
	await page.waitForFunction(() => location.hash.includes('tag=noisy'));
	// The rows on screen answer the tag filter once the queue says so.
	await page.locator('[data-testid="queue"][data-state="ready"][data-filters*="tag=noisy"]').waitFor();
	assert.deepEqual(await texts(page, 'queue-subject'), [subject]);
	assert.deepEqual(await texts(page, 'queue-tag'), ['noisy', 'vip']);
	errors.assertClean();
	await context.close();
});

test('a customer\'s late reply on a resolved ticket opens a new one that follows it; the admin sets the window', async () => {
	const number = await customerTicket('Label printer ' + uniqueTag());
	const resolved = await api(slug, 'POST', `/api/v1/tickets/${number}/transitions`, { token: admin, body: { to: 'resolved' } });
	assert.equal(resolved.status, 200, resolved.text);
	// The admin closes the window: every later reply starts a new ticket.
	const admin1 = await newContext(browser);
	const ap = await admin1.newPage();
	const adminErrors = watchErrors(ap);
	adminErrors.expect(/^\/api\/v1\/me$/);
	adminErrors.expect(/^\/api\/v1\/admin\/pipelines\/\d+$/);
	await signIn(ap, slug, 'admin@flow.example', PASS);
	await ap.goto(url(slug, '#/settings/pipelines'));
	await ap.getByTestId('pipeline-reopen-days').fill('400');
	await ap.getByTestId('settings-save').click();
	assert.equal(await ap.getByTestId('pipeline-reopen-error').innerText(), 'reopen_days must be from 0 to 365');
	await ap.getByTestId('pipeline-reopen-days').fill('0');
	await ap.getByTestId('settings-save').click();
	await ap.getByTestId('settings-saved').waitFor();
	adminErrors.assertClean();
	await admin1.close();

	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	await signIn(page, slug, 'cust@client.example', PASS);
	await page.goto(url(slug, `#/tickets/${number}`));
	await page.getByTestId('note-body').fill('It jams again.');
	await page.getByTestId('note-submit').click();
	await page.waitForFunction((n) => /#\/tickets\/\d+/.test(location.hash) && !location.hash.endsWith('/' + n), number);
	const next = Number(/#\/tickets\/(\d+)/.exec(await page.evaluate(() => location.hash))[1]);
	assert.ok(next > number);
	await page.getByTestId('ticket-view').and(page.locator(`[data-number="${next}"]`)).waitFor();
	const fresh = await api(slug, 'GET', `/api/v1/tickets/${next}`, { token: admin });
	assert.deepEqual([fresh.json.follows, fresh.json.description], [number, 'It jams again.']);
	errors.assertClean();
	await context.close();
	const settings = (await api(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data.find((p) => p.key === 'support');
	assert.equal(settings.reopen_days, 0);
});
