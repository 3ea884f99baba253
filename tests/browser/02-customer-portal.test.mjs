// The customer's side: carol raises a request in Acme's portal, an agent
// answers with a public reply and an internal note, and carol sees only
// the reply; she never sees the internal note, the assignee or the timeline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, watchErrors, signIn, apiLogin, findUser, api, uniqueTag, texts, url } from './lib.mjs';

let browser;

before(async () => {
	browser = await launch();
});

after(async () => {
	if (browser) await browser.close();
});

test('a customer raises a request and sees only the public reply', async () => {
	const tag = uniqueTag();
	const subject = `Cannot download my statement ${tag}`;
	const description = `The PDF link gives an error.\nAccount ${tag}.`;
	const publicText = `Hello Carol, please try the link again now ${tag}`;
	const internalText = `Storage bucket permissions were wrong ${tag} (do not share)`;
	const replyText = `It works now, thank you ${tag}`;

	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);

	await signIn(page, 'acme', 'carol@northwind.example');
	const agent = await apiLogin('acme', 'agent1@acme.example');
	const carol = await findUser('acme', agent.token, 'customer', 'carol@northwind.example');
	assert.equal(await page.getByTestId('user-name').innerText(), carol.name);
	assert.equal(await page.getByTestId('user-company').innerText(), 'Northwind');
	assert.equal(await page.getByTestId('product-name').innerText(), 'Acme Help Centre');
	assert.equal(await page.getByTestId('nav-my-issues').innerText(), 'My requests');
	assert.equal(await page.getByTestId('page-title').innerText(), 'My requests');
	assert.equal(await page.getByTestId('new-ticket-button').innerText(), 'New request');

	// Raise the request.
	await page.getByTestId('new-ticket-button').click();
	// The form's page has rendered (the click changes the route, the page follows).
	await page.getByTestId('new-ticket-subject').waitFor();
	assert.equal(await page.getByTestId('page-title').innerText(), 'New request');
	assert.equal(await page.getByTestId('new-ticket-customer').count(), 0);
	await page.getByTestId('new-ticket-subject').fill(subject);
	await page.getByTestId('new-ticket-description').fill(description);
	await page.getByTestId('new-ticket-submit').click();

	await page.getByTestId('ticket-view').waitFor();
	const number = Number(await page.getByTestId('ticket-view').getAttribute('data-number'));
	assert.ok(Number.isInteger(number) && number > 0);
	assert.equal(new URL(page.url()).hash, `#/tickets/${number}`);
	assert.equal(await page.getByTestId('flash-text').innerText(), `Thank you. Your request #${number} has been received.`);
	assert.equal(await page.getByTestId('ticket-number').innerText(), `Request #${number}`);
	assert.equal(await page.getByTestId('ticket-subject').innerText(), subject);
	assert.equal(await page.getByTestId('ticket-description').innerText(), description);
	assert.equal(await page.getByTestId('ticket-status').innerText(), 'Received');
	assert.equal(await page.getByTestId('notes-empty').innerText(), 'No replies yet. We will answer here.');

	// What the server stored: carol's ticket, company Northwind, normal priority.
	const stored = await api('acme', 'GET', `/api/v1/tickets/${number}`, { token: agent.token });
	assert.equal(stored.status, 200);
	assert.equal(stored.json.subject, subject);
	assert.equal(stored.json.description, description);
	assert.equal(stored.json.customer.id, carol.id);
	assert.equal(stored.json.company.name, 'Northwind');
	assert.equal(stored.json.priority, 'normal');
	assert.equal(stored.json.status.key, 'not_started');

	// The agent answers: one public reply, one internal note, and takes the ticket.
	const pub = await api('acme', 'POST', `/api/v1/tickets/${number}/notes`, {
		token: agent.token, body: { body: publicText, visibility: 'public' },
	});
	assert.equal(pub.status, 201, pub.text);
	const internal = await api('acme', 'POST', `/api/v1/tickets/${number}/notes`, {
		token: agent.token, body: { body: internalText, visibility: 'internal' },
	});
	assert.equal(internal.status, 201, internal.text);
	const moved = await api('acme', 'POST', `/api/v1/tickets/${number}/transitions`, {
		token: agent.token, body: { to: 'awaiting_update' },
	});
	assert.equal(moved.status, 200, moved.text);

	await page.reload();
	await page.getByTestId('note-item').nth(0).waitFor();
	assert.equal(await page.getByTestId('ticket-status').innerText(), 'Waiting for your reply');
	assert.deepEqual(await texts(page, 'note-text'), [publicText]);
	assert.equal(await page.getByTestId('note-item').nth(0).getAttribute('data-visibility'), 'public');
	assert.equal(await page.getByTestId('note-author').nth(0).innerText(), agent.user.name);
	assert.equal(await page.getByTestId('note-internal-badge').count(), 0);
	assert.equal(await page.getByTestId('note-visibility').count(), 0);
	assert.equal(await page.getByTestId('ticket-assignee').count(), 0);
	assert.equal(await page.getByTestId('timeline').count(), 0);
	let content = await page.content();
	assert.equal(content.includes(internalText), false, 'internal note text is in the page');
	assert.equal(content.includes(`Storage bucket permissions were wrong ${tag}`), false);

	// Carol replies; her reply moves the ticket back to being worked on.
	await page.getByTestId('note-body').fill(replyText);
	await page.getByTestId('note-submit').click();
	await page.getByTestId('note-item').nth(1).waitFor();
	assert.deepEqual(await texts(page, 'note-text'), [publicText, replyText]);
	assert.equal(await page.getByTestId('note-author').nth(1).innerText(), carol.name);
	await page.getByTestId('ticket-status').filter({ hasText: 'Being worked on' }).waitFor();

	// Her list shows the request with its customer-facing status.
	await page.getByTestId('nav-my-issues').click();
	const row = page.locator(`[data-testid="portal-ticket-row"][data-number="${number}"]`);
	await row.waitFor();
	assert.equal(await row.getByTestId('portal-ticket-subject').innerText(), subject);
	assert.equal(await row.getByTestId('portal-ticket-status').innerText(), 'Being worked on');
	content = await page.content();
	assert.equal(content.includes(internalText), false);

	// The agent's desk, meanwhile, shows all three notes with the internal one marked.
	const desk = await newContext(browser);
	const agentPage = await desk.newPage();
	const agentErrors = watchErrors(agentPage);
	agentErrors.expect(/^\/api\/v1\/me$/);
	await signIn(agentPage, 'acme', 'agent1@acme.example');
	await agentPage.goto(url('acme', `#/tickets/${number}`));
	await agentPage.getByTestId('note-item').nth(2).waitFor();
	assert.deepEqual(await texts(agentPage, 'note-text'), [publicText, internalText, replyText]);
	assert.deepEqual(
		await agentPage.getByTestId('note-item').evaluateAll((els) => els.map((e) => e.dataset.visibility)),
		['public', 'internal', 'public'],
	);
	assert.equal(await agentPage.getByTestId('note-internal-badge').count(), 1);
	agentErrors.assertClean();
	await desk.close();

	errors.assertClean();
	await context.close();
});

test('a customer cannot open a ticket of another company', async () => {
	const tag = uniqueTag();
	const agent = await apiLogin('acme', 'agent1@acme.example');
	const carol = await findUser('acme', agent.token, 'customer', 'carol@northwind.example');
	const created = await api('acme', 'POST', '/api/v1/tickets', {
		token: agent.token, body: { subject: `Northwind only ${tag}`, description: '', customer_id: carol.id },
	});
	assert.equal(created.status, 201, created.text);
	const number = created.json.number;

	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	errors.expect(new RegExp(`^/api/v1/tickets/${number}(/notes)?$`));
	await signIn(page, 'acme', 'erin@contoso.example');
	await page.goto(url('acme', `#/tickets/${number}`));
	await page.getByTestId('ticket-not-found').waitFor();
	assert.equal(await page.getByTestId('ticket-not-found').innerText(), `Request #${number} was not found`);
	assert.equal((await page.content()).includes(`Northwind only ${tag}`), false);
	errors.assertClean();
	await context.close();
});
