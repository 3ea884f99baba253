// The agent desk end to end: an agent raises a ticket for a customer, writes
// internal and public notes, moves and assigns it, and finds it again in the
// queue; a concurrent change is caught by If-Match.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	launch, newContext, watchErrors, signIn, apiLogin, findUser, api, uniqueTag, texts, url, queueShows,
} from './lib.mjs';

let browser;
let staffToken;
let carol;
let agent1;
let agent2;

before(async () => {
	browser = await launch();
	const admin = await apiLogin('acme', 'manager@acme.example');
	staffToken = admin.token;
	carol = await findUser('acme', staffToken, 'customer', 'carol@northwind.example');
	agent1 = await findUser('acme', staffToken, 'staff', 'agent1@acme.example');
	agent2 = await findUser('acme', staffToken, 'staff', 'agent2@acme.example');
});

after(async () => {
	if (browser) await browser.close();
});

test('an agent works a ticket from creation to assignment', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	const tag = uniqueTag();
	const subject = `Invoice total is wrong ${tag}`;
	const description = `The March invoice adds VAT twice.\nOrder ${tag}.`;
	const internalText = `Checked billing: VAT rule misconfigured ${tag}`;
	const publicText = `Thanks Carol, we are correcting the invoice ${tag}`;

	await signIn(page, 'acme', 'agent1@acme.example');
	assert.equal(await page.getByTestId('user-name').innerText(), agent1.name);
	assert.equal(await page.getByTestId('tenant-name').innerText(), 'Acme Corporation');
	await page.getByTestId('queue-table').or(page.getByTestId('queue-empty')).first().waitFor();

	// Raise a ticket for carol.
	await page.getByTestId('new-ticket-button').click();
	await page.locator(`[data-testid="new-ticket-customer"] option[value="${carol.id}"]`).waitFor({ state: 'attached' });
	await page.getByTestId('new-ticket-customer').selectOption(String(carol.id));
	await page.getByTestId('new-ticket-subject').fill(subject);
	await page.getByTestId('new-ticket-description').fill(description);
	await page.getByTestId('new-ticket-priority').selectOption('high');
	await page.getByTestId('new-ticket-submit').click();

	await page.getByTestId('ticket-view').waitFor();
	const number = Number(await page.getByTestId('ticket-view').getAttribute('data-number'));
	assert.ok(Number.isInteger(number) && number > 0, `ticket number ${number}`);
	assert.equal(new URL(page.url()).hash, `#/tickets/${number}`);
	assert.equal(await page.getByTestId('flash-text').innerText(), `Ticket #${number} created.`);
	assert.equal(await page.getByTestId('ticket-number').innerText(), `#${number}`);
	assert.equal(await page.getByTestId('ticket-subject').innerText(), subject);
	assert.equal(await page.getByTestId('ticket-description').innerText(), description);
	assert.equal(await page.getByTestId('ticket-status').innerText(), 'Not started');
	assert.equal(await page.getByTestId('ticket-priority').inputValue(), 'high');
	assert.equal(await page.getByTestId('ticket-assignee').inputValue(), '');
	assert.equal(await page.getByTestId('ticket-company').innerText(), 'Northwind');
	assert.equal((await page.getByTestId('ticket-customer').innerText()).split('\n')[0].trim(), carol.name);
	assert.deepEqual(await texts(page, 'note-item'), []);

	// The composer starts internal; add an internal note.
	assert.equal(await page.getByTestId('note-visibility').inputValue(), 'internal');
	await page.getByTestId('note-body').fill(internalText);
	await page.getByTestId('note-submit').click();
	await page.getByTestId('note-item').nth(0).waitFor();
	assert.equal(await page.getByTestId('note-body').inputValue(), '');
	const first = page.getByTestId('note-item').nth(0);
	assert.equal(await first.getAttribute('data-visibility'), 'internal');
	assert.equal(await first.getByTestId('note-internal-badge').textContent(), 'Internal');
	assert.equal(await first.getByTestId('note-text').innerText(), internalText);
	assert.equal(await first.getByTestId('note-author').innerText(), agent1.name);

	// Then a public reply.
	await page.getByTestId('note-visibility').selectOption('public');
	await page.getByTestId('note-body').fill(publicText);
	await page.getByTestId('note-submit').click();
	await page.getByTestId('note-item').nth(1).waitFor();
	const second = page.getByTestId('note-item').nth(1);
	assert.equal(await second.getAttribute('data-visibility'), 'public');
	assert.equal(await second.getByTestId('note-internal-badge').count(), 0);
	assert.equal(await second.getByTestId('note-text').innerText(), publicText);
	assert.equal(await page.getByTestId('note-item').count(), 2);

	// Only the moves the pipeline allows from Not started are offered.
	assert.deepEqual(
		await page.getByTestId('status-buttons').locator('button').evaluateAll((bs) => bs.map((b) => b.dataset.testid)),
		['status-button-in_progress', 'status-button-awaiting_update', 'status-button-deferred', 'status-button-resolved'],
	);
	await page.getByTestId('status-button-in_progress').click();
	await page.getByTestId('ticket-status').filter({ hasText: 'In progress' }).waitFor();
	assert.deepEqual(
		await page.getByTestId('status-buttons').locator('button').evaluateAll((bs) => bs.map((b) => b.dataset.testid)),
		['status-button-awaiting_update', 'status-button-deferred', 'status-button-resolved'],
	);

	// Assign to agent2.
	await page.getByTestId('ticket-assignee').selectOption(String(agent2.id));
	await page.getByTestId('timeline-item').filter({ hasText: `assigned the ticket to ${agent2.name}` }).waitFor();
	assert.equal(await page.getByTestId('ticket-assignee').inputValue(), String(agent2.id));

	// The timeline tells the story, oldest first.
	assert.deepEqual(await texts(page, 'timeline-text'), [
		'created the ticket',
		'added an internal note',
		'added a public reply',
		'changed the status from Not started to In progress',
		`assigned the ticket to ${agent2.name}`,
	]);
	assert.deepEqual(await texts(page, 'timeline-actor'), Array(5).fill(agent1.name));

	// The server agrees with what the page shows.
	const stored = await api('acme', 'GET', `/api/v1/tickets/${number}`, { token: staffToken });
	assert.equal(stored.status, 200);
	assert.equal(stored.json.subject, subject);
	assert.equal(stored.json.priority, 'high');
	assert.equal(stored.json.status.key, 'in_progress');
	assert.deepEqual(stored.json.assignee, { id: agent2.id, name: agent2.name });
	assert.equal(stored.json.customer.id, carol.id);

	// A reload keeps the view.
	await page.reload();
	await page.getByTestId('ticket-subject').waitFor();
	assert.equal(await page.getByTestId('ticket-subject').innerText(), subject);

	// The queue finds it by status (and subject), and not under another status.
	await page.getByTestId('nav-queue').click();
	await page.getByTestId('filter-status').selectOption('in_progress');
	await page.getByTestId('filter-q').fill(tag);
	await queueShows(page, `status=in_progress&q=${tag}`);
	const rows = page.getByTestId('queue-row');
	assert.equal(await rows.count(), 1);
	const row = rows.nth(0);
	assert.equal(await row.getByTestId('queue-subject').innerText(), subject);
	assert.equal(await row.getByTestId('queue-status').innerText(), 'In progress');
	assert.equal(await row.getByTestId('queue-assignee').innerText(), agent2.name);
	assert.equal((await row.getByTestId('queue-customer').innerText()).trim(), `${carol.name}\nNorthwind`);
	assert.match(new URL(page.url()).hash, new RegExp(`^#/\\?status=in_progress&q=${tag}$`));

	await page.getByTestId('filter-status').selectOption('not_started');
	await queueShows(page, `status=not_started&q=${tag}`);
	assert.equal(await page.getByTestId('queue-row').count(), 0);
	assert.equal(await page.getByTestId('queue-empty').innerText(), 'No tickets match these filters.');

	// By assignee: agent2 has it, agent1 ("me") and "unassigned" do not.
	await page.getByTestId('filter-status').selectOption('');
	await page.getByTestId('filter-assignee').selectOption(String(agent2.id));
	await queueShows(page, `assignee=${agent2.id}&q=${tag}`);
	assert.deepEqual(await page.getByTestId('queue-number').allInnerTexts(), [String(number)]);
	await page.getByTestId('filter-assignee').selectOption('me');
	await queueShows(page, `assignee=me&q=${tag}`);
	assert.equal(await page.getByTestId('queue-row').count(), 0);
	await page.getByTestId('filter-assignee').selectOption('none');
	await queueShows(page, `assignee=none&q=${tag}`);
	assert.equal(await page.getByTestId('queue-row').count(), 0);
	await page.getByTestId('filter-assignee').selectOption('');
	await page.getByTestId('filter-priority').selectOption('high');
	await queueShows(page, `priority=high&q=${tag}`);
	assert.deepEqual(await page.getByTestId('queue-number').allInnerTexts(), [String(number)]);

	// Clicking the row opens the ticket.
	await page.getByTestId('queue-row').nth(0).click();
	await page.getByTestId('ticket-subject').waitFor();
	assert.equal(new URL(page.url()).hash, `#/tickets/${number}`);

	errors.assertClean();
	await context.close();
});

test('a change made elsewhere meanwhile is not overwritten (412)', async () => {
	const tag = uniqueTag();
	const subject = `Login page slow ${tag}`;
	const created = await api('acme', 'POST', '/api/v1/tickets', {
		token: staffToken,
		body: { subject, description: 'Takes 30 s to load.', customer_id: carol.id },
	});
	assert.equal(created.status, 201, created.text);
	const number = created.json.number;

	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	errors.expect(new RegExp(`^/api/v1/tickets/${number}$`));
	await signIn(page, 'acme', 'agent1@acme.example');
	await page.goto(url('acme', `#/tickets/${number}`));
	await page.getByTestId('ticket-subject').filter({ hasText: subject }).waitFor();
	assert.equal(await page.getByTestId('ticket-priority').inputValue(), 'normal');

	// Someone else raises the priority while the page still shows version 1.
	const changed = await api('acme', 'PATCH', `/api/v1/tickets/${number}`, {
		token: staffToken,
		headers: { 'If-Match': created.headers.etag },
		body: { priority: 'urgent' },
	});
	assert.equal(changed.status, 200, changed.text);

	await page.getByTestId('ticket-priority').selectOption('low');
	await page.getByTestId('flash-text').waitFor();
	assert.equal(await page.getByTestId('flash-text').innerText(), 'Someone else changed this ticket; reloaded.');
	await page.waitForFunction(() => document.querySelector('[data-testid="ticket-priority"]').value === 'urgent');

	const stored = await api('acme', 'GET', `/api/v1/tickets/${number}`, { token: staffToken });
	assert.equal(stored.json.priority, 'urgent');

	// With the fresh version the change goes through.
	await page.getByTestId('ticket-priority').selectOption('low');
	await page.getByTestId('timeline-item').filter({ hasText: 'changed priority' }).nth(1).waitFor();
	const after = await api('acme', 'GET', `/api/v1/tickets/${number}`, { token: staffToken });
	assert.equal(after.json.priority, 'low');

	errors.assertClean();
	await context.close();
});
