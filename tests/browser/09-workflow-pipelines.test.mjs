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
	// The moves are the new pipeline's, and the timeline says what happened.
	assert.deepEqual(await boss.getByTestId('status-buttons').locator('button').allInnerTexts(), ['In progress', 'Done']);
	await boss.locator('[data-kind="pipeline_changed"]').waitFor();
	assert.equal(await boss.locator('[data-kind="pipeline_changed"] [data-testid="timeline-text"]').innerText(),
		'moved the ticket from the support pipeline (not_started) to returns (New)');
	deskErrors.assertClean();
	await desk.close();
});
