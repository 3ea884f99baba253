// Every screen of the desk and the portal renders without a page error or a
// console error, and times are shown in the viewer's own time zone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, watchErrors, signIn, apiLogin, findUser, api, uniqueTag, url } from './lib.mjs';

let browser;
let number;
let created;

before(async () => {
	browser = await launch();
	const agent = await apiLogin('acme', 'agent2@acme.example');
	const dan = await findUser('acme', agent.token, 'customer', 'dan@northwind.example');
	const res = await api('acme', 'POST', '/api/v1/tickets', {
		token: agent.token,
		body: { subject: `Times and screens ${uniqueTag()} <b>not bold</b>`, description: 'Café ☕ & <script>x</script>', customer_id: dan.id, priority: 'urgent' },
	});
	assert.equal(res.status, 201, res.text);
	number = res.json.number;
	created = res.json;
	const note = await api('acme', 'POST', `/api/v1/tickets/${number}/notes`, {
		token: agent.token, body: { body: 'First answer <img src=x onerror=alert(1)>', visibility: 'public' },
	});
	assert.equal(note.status, 201, note.text);
});

after(async () => {
	if (browser) await browser.close();
});

test('the agent desk: every screen, no errors, local times, text shown as text', async () => {
	const context = await newContext(browser, { timezoneId: 'Pacific/Auckland' });
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	page.on('dialog', (d) => { errors.problems.push('dialog: ' + d.message()); d.dismiss(); });

	await signIn(page, 'acme', 'manager@acme.example');
	assert.equal(await page.getByTestId('user-role').innerText(), 'Manager');
	await page.getByTestId('queue-row').first().waitFor();
	const loadMore = page.getByTestId('load-more');
	if (await loadMore.count()) {
		const before = await page.getByTestId('queue-row').count();
		await loadMore.click();
		await page.waitForFunction((n) => document.querySelectorAll('[data-testid="queue-row"]').length > n, before);
	}

	await page.getByTestId('new-ticket-button').click();
	await page.getByTestId('new-ticket-form').waitFor();
	// Submitting without a subject shows the server's reasons beside the form.
	await page.locator('[data-testid="new-ticket-customer"] option:nth-child(2)').waitFor({ state: 'attached' });
	await page.getByTestId('new-ticket-customer').selectOption({ index: 1 });
	errors.expect(/^\/api\/v1\/tickets$/);
	await page.getByTestId('new-ticket-submit').click();
	await page.getByTestId('field-error-subject').or(page.getByTestId('form-error')).first().waitFor();
	assert.equal(await page.getByTestId('ticket-view').count(), 0);

	await page.goto(url('acme', `#/tickets/${number}`));
	await page.getByTestId('ticket-subject').waitFor();
	assert.equal(await page.getByTestId('ticket-subject').innerText(), created.subject);
	assert.equal(await page.getByTestId('ticket-description').innerText(), 'Café ☕ & <script>x</script>');
	assert.equal(await page.locator('.ticket script, .ticket b, .notes img').count(), 0);
	assert.equal(await page.getByTestId('note-text').first().innerText(), 'First answer <img src=x onerror=alert(1)>');

	// Created time: shown in Auckland time, with the UTC instant kept in datetime.
	const time = page.locator('.details time').first();
	assert.equal(await time.getAttribute('datetime'), created.created_at);
	const expected = await page.evaluate((iso) => new Intl.DateTimeFormat(undefined, {
		dateStyle: 'medium', timeStyle: 'short', timeZone: 'Pacific/Auckland',
	}).format(new Date(iso)), created.created_at);
	assert.equal(await time.innerText(), expected);
	assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'Pacific/Auckland');

	await page.goto(url('acme', '#/no/such/page'));
	await page.getByText('Page not found').waitFor();

	errors.expect(/^\/api\/v1\/tickets\/999999999(\/notes|\/timeline)?$/);
	await page.goto(url('acme', '#/tickets/999999999'));
	await page.getByTestId('ticket-not-found').waitFor();
	assert.equal(await page.getByTestId('ticket-not-found').innerText(), 'Ticket #999999999 was not found');

	errors.assertClean();
	await context.close();
});

test('the customer portal: every screen, no errors', async () => {
	const context = await newContext(browser, { timezoneId: 'America/Los_Angeles' });
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	page.on('dialog', (d) => { errors.problems.push('dialog: ' + d.message()); d.dismiss(); });

	await signIn(page, 'acme', 'dan@northwind.example');
	const row = page.locator(`[data-testid="portal-ticket-row"][data-number="${number}"]`);
	await row.waitFor();
	assert.equal(await row.getByTestId('portal-ticket-status').innerText(), 'Received');
	await row.click();
	await page.getByTestId('ticket-subject').waitFor();
	assert.equal(await page.getByTestId('ticket-subject').innerText(), created.subject);
	assert.equal(await page.getByTestId('note-text').first().innerText(), 'First answer <img src=x onerror=alert(1)>');
	const time = page.locator('.ticket-meta time').first();
	assert.equal(await time.getAttribute('datetime'), created.created_at);
	const expected = await page.evaluate((iso) => new Intl.DateTimeFormat(undefined, {
		dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Los_Angeles',
	}).format(new Date(iso)), created.created_at);
	assert.equal(await time.innerText(), expected);

	await page.getByTestId('nav-new-issue').click();
	await page.getByTestId('new-ticket-form').waitFor();
	errors.expect(/^\/api\/v1\/tickets$/);
	await page.getByTestId('new-ticket-submit').click();
	await page.getByTestId('field-error-subject').or(page.getByTestId('form-error')).first().waitFor();

	await page.getByTestId('nav-my-issues').click();
	await page.getByTestId('portal-table').waitFor();

	errors.assertClean();
	await context.close();
});
