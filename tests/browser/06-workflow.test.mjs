// The workflow rules in the browser: the neutral-language check on notes
// (staff may post anyway, customers must rephrase), a status that requires a
// note, the availability toggle and the notifications inbox, and the admin's
// pipeline and audit pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	launch, newContext, watchErrors, signIn, apiLogin, findUser, api, uniqueTag, texts, url, queueShows,
} from './lib.mjs';

let browser;
let staffToken;
let carol;

before(async () => {
	browser = await launch();
	staffToken = (await apiLogin('acme', 'manager@acme.example')).token;
	carol = await findUser('acme', staffToken, 'customer', 'carol@northwind.example');
});

after(async () => {
	if (browser) await browser.close();
});

async function newTicket(subject) {
	const created = await api('acme', 'POST', '/api/v1/tickets', {
		token: staffToken, body: { subject, description: 'Arranged by the workflow test.', customer_id: carol.id },
	});
	assert.equal(created.status, 201, created.text);
	return created.json.number;
}

/** The failed requests of a page, less the /me that answers 401 before signing in. */
function failed(errors) {
	return errors.responses.filter((r) => r !== '401 /api/v1/me');
}

/** The statuses of a pipeline as PUT takes them back (without the ticket counts). */
function putShape(statuses) {
	return statuses.map((s) => ({
		key: s.key, staff_name: s.staff_name, customer_name: s.customer_name, category: s.category, color: s.color,
		clocks: s.clocks, entry: s.entry, require_note: s.require_note, transitions: s.transitions,
	}));
}

test('a note with a listed word is held back until the agent overrides it', async () => {
	const tag = uniqueTag();
	const number = await newTicket(`Printer jams again ${tag}`);
	const text = `This useless printer needs a new roller ${tag}`;

	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	errors.expect(new RegExp(`^/api/v1/tickets/${number}/notes$`));
	await signIn(page, 'acme', 'agent1@acme.example');
	const agent1 = await findUser('acme', staffToken, 'staff', 'agent1@acme.example');
	await page.goto(url('acme', `#/tickets/${number}`));
	await page.getByTestId('notes-empty').waitFor();

	await page.getByTestId('note-visibility').selectOption('public');
	await page.getByTestId('note-body').fill(text);
	await page.getByTestId('note-submit').click();
	await page.getByTestId('language-warning').waitFor();
	assert.equal(await page.getByTestId('language-warning').innerText(),
		'The note uses "useless" from the neutral-language list. Rephrase it, or post it anyway with override (the override is recorded).');
	assert.equal(await page.getByTestId('language-override').isChecked(), false);
	assert.equal(await page.getByTestId('note-body').inputValue(), text);
	assert.equal(await page.getByTestId('note-item').count(), 0);
	assert.deepEqual(failed(errors), [`422 /api/v1/tickets/${number}/notes`]);
	const none = await api('acme', 'GET', `/api/v1/tickets/${number}/notes`, { token: staffToken });
	assert.deepEqual(none.json.data, []);

	// Posting anyway: tick the box, send again.
	await page.getByTestId('language-override').check();
	assert.equal(await page.getByTestId('note-submit').innerText(), 'Post anyway');
	await page.getByTestId('note-submit').click();
	await page.getByTestId('note-item').nth(0).waitFor();
	assert.deepEqual(await texts(page, 'note-text'), [text]);
	assert.equal(await page.getByTestId('note-item').nth(0).getAttribute('data-visibility'), 'public');
	assert.equal(await page.getByTestId('note-author').nth(0).innerText(), agent1.name);
	assert.equal(await page.getByTestId('note-body').inputValue(), '');
	assert.equal(await page.getByTestId('language-warning').count(), 0);
	await page.getByTestId('timeline-text').filter({ hasText: 'added a public reply' }).waitFor();
	assert.deepEqual(await texts(page, 'timeline-text'), ['created the ticket', 'added a public reply']);

	const stored = await api('acme', 'GET', `/api/v1/tickets/${number}/notes`, { token: staffToken });
	assert.deepEqual(stored.json.data.map((n) => [n.body, n.visibility]), [[text, 'public']]);
	assert.deepEqual(failed(errors), [`422 /api/v1/tickets/${number}/notes`]);

	errors.assertClean();
	await context.close();
});

test('a customer reply with a listed word must be rephrased', async () => {
	const tag = uniqueTag();
	const number = await newTicket(`Statement missing ${tag}`);
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	errors.expect(new RegExp(`^/api/v1/tickets/${number}/notes$`));
	await signIn(page, 'acme', 'carol@northwind.example');
	await page.goto(url('acme', `#/tickets/${number}`));
	await page.getByTestId('notes-empty').waitFor();

	await page.getByTestId('note-body').fill(`Why do you people never answer? ${tag}`);
	await page.getByTestId('note-submit').click();
	await page.getByTestId('language-warning').waitFor();
	assert.equal(await page.getByTestId('language-warning').innerText(),
		'The note uses "you people" from the neutral-language list. Rephrase it, or post it anyway with override (the override is recorded).');
	assert.equal(await page.getByTestId('language-override').count(), 0);
	assert.equal(await page.getByTestId('note-item').count(), 0);

	// Rephrased, it goes through and the warning goes away.
	const polite = `Could someone answer, please? ${tag}`;
	await page.getByTestId('note-body').fill(polite);
	await page.getByTestId('note-submit').click();
	await page.getByTestId('note-item').nth(0).waitFor();
	assert.deepEqual(await texts(page, 'note-text'), [polite]);
	assert.equal(await page.getByTestId('language-warning').count(), 0);
	assert.deepEqual(failed(errors), [`422 /api/v1/tickets/${number}/notes`]);

	errors.assertClean();
	await context.close();
});

test('a status that requires a note asks for one before the move', async () => {
	const adminToken = (await apiLogin('acme', 'admin@acme.example')).token;
	const listed = await api('acme', 'GET', '/api/v1/admin/pipelines', { token: adminToken });
	assert.equal(listed.status, 200, listed.text);
	const pipeline = listed.json.data.find((p) => p.default);
	const original = putShape(pipeline.statuses);
	assert.equal(original.find((s) => s.key === 'resolved').require_note, false);

	const tag = uniqueTag();
	const number = await newTicket(`Password reset loop ${tag}`);
	const noteText = `We reset the account; please sign in again ${tag}`;

	const adminContext = await newContext(browser);
	const agentContext = await newContext(browser);
	try {
		// The admin ticks "Requires a note" on Resolved in the pipeline page.
		const admin = await adminContext.newPage();
		const adminErrors = watchErrors(admin);
		adminErrors.expect(/^\/api\/v1\/me$/);
		await signIn(admin, 'acme', 'admin@acme.example');
		await admin.getByTestId('nav-settings').click();
		await admin.getByTestId('settings-pipelines-link').click();
		await admin.getByTestId('pipeline-statuses').waitFor();
		assert.equal(await admin.getByTestId('pipeline-intake').inputValue(), pipeline.intake);
		const keys = await admin.locator('[data-testid="pipeline-statuses"] tbody').evaluateAll((els) => els.map((e) => e.dataset.key));
		assert.deepEqual(keys, pipeline.statuses.map((s) => s.key));
		const i = keys.indexOf('resolved');
		assert.equal(await admin.getByTestId(`status-${i}-staff-name`).inputValue(), 'Resolved');
		assert.equal(await admin.getByTestId(`status-${i}-require-note`).isChecked(), false);
		await admin.getByTestId(`status-${i}-require-note`).check();
		assert.equal(await admin.getByTestId('settings-dirty').innerText(), 'Unsaved changes');
		await admin.getByTestId('settings-save').click();
		await admin.getByTestId('settings-saved').waitFor();
		assert.equal(await admin.getByTestId('settings-saved').innerText(), 'Saved.');
		assert.equal(await admin.getByTestId(`status-${i}-require-note`).isChecked(), true);
		adminErrors.assertClean();

		const after = await api('acme', 'GET', '/api/v1/admin/pipelines', { token: adminToken });
		const afterStatuses = after.json.data.find((p) => p.id === pipeline.id).statuses;
		assert.deepEqual(putShape(afterStatuses),
			original.map((s) => (s.key === 'resolved' ? { ...s, require_note: true } : s)));

		// The agent moves a ticket to Resolved and is asked for the note.
		const page = await agentContext.newPage();
		const errors = watchErrors(page);
		errors.expect(/^\/api\/v1\/me$/);
		errors.expect(new RegExp(`^/api/v1/tickets/${number}/transitions$`));
		await signIn(page, 'acme', 'agent1@acme.example');
		await page.goto(url('acme', `#/tickets/${number}`));
		await page.getByTestId('notes-empty').waitFor();
		await page.getByTestId('status-button-resolved').click();
		await page.getByTestId('transition-note').waitFor();
		assert.equal(await page.getByTestId('ticket-status').innerText(), 'Not started');
		assert.equal(await page.getByTestId('action-error').count(), 0);
		assert.equal(await page.getByTestId('transition-note-submit').isDisabled(), true);
		assert.deepEqual(failed(errors), [`422 /api/v1/tickets/${number}/transitions`]);

		await page.getByTestId('transition-note').fill(noteText);
		assert.equal(await page.getByTestId('transition-note-submit').innerText(), 'Move to Resolved');
		await page.getByTestId('transition-note-submit').click();
		await page.getByTestId('ticket-status').filter({ hasText: 'Resolved' }).waitFor();
		await page.getByTestId('note-item').nth(0).waitFor();
		assert.equal(await page.getByTestId('transition-note').count(), 0);
		assert.deepEqual(await texts(page, 'note-text'), [noteText]);
		assert.equal(await page.getByTestId('note-item').nth(0).getAttribute('data-visibility'), 'public');

		const stored = await api('acme', 'GET', `/api/v1/tickets/${number}`, { token: staffToken });
		assert.equal(stored.json.status.key, 'resolved');
		assert.deepEqual(failed(errors), [`422 /api/v1/tickets/${number}/transitions`]);
		errors.assertClean();
	} finally {
		const restored = await api('acme', 'PUT', `/api/v1/admin/pipelines/${pipeline.id}`, {
			token: adminToken, body: { statuses: original },
		});
		assert.equal(restored.status, 200, restored.text);
		await adminContext.close();
		await agentContext.close();
	}
	const back = await api('acme', 'GET', '/api/v1/admin/pipelines', { token: adminToken });
	assert.deepEqual(putShape(back.json.data.find((p) => p.id === pipeline.id).statuses), original);
});

test('an agent goes away and comes back, and opens the inbox', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	const agentToken = (await apiLogin('acme', 'agent2@acme.example')).token;
	const inbox = await api('acme', 'GET', '/api/v1/notifications', { token: agentToken });
	assert.equal(inbox.status, 200, inbox.text);
	const expected = inbox.json.data;

	try {
		await signIn(page, 'acme', 'agent2@acme.example');
		const toggle = page.getByTestId('availability-toggle');
		assert.equal(await toggle.innerText(), 'Available');
		assert.equal(await toggle.getAttribute('data-availability'), 'available');

		const isPatch = (r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH';
		let answer = page.waitForResponse(isPatch);
		await toggle.click();
		let res = await answer;
		assert.equal(res.status(), 200);
		assert.deepEqual(JSON.parse(res.request().postData()), { availability: 'away' });
		assert.equal((await res.json()).availability, 'away');
		await page.locator('[data-testid="availability-toggle"][data-availability="away"]').waitFor();
		assert.equal(await toggle.innerText(), 'Away');

		answer = page.waitForResponse(isPatch);
		await toggle.click();
		res = await answer;
		assert.equal(res.status(), 200);
		assert.deepEqual(JSON.parse(res.request().postData()), { availability: 'available' });
		assert.equal((await res.json()).availability, 'available');
		await page.locator('[data-testid="availability-toggle"][data-availability="available"]').waitFor();
		assert.equal(await toggle.innerText(), 'Available');

		// The bell counts the notifications; the list links to their tickets.
		await page.waitForFunction((n) => document.querySelector('[data-testid="inbox-count"]').textContent === String(n), expected.length);
		await page.getByTestId('inbox-toggle').click();
		await page.getByTestId('inbox-panel').waitFor();
		if (expected.length === 0) {
			assert.equal(await page.getByTestId('inbox-empty').innerText(), 'Nothing new.');
		} else {
			assert.equal(await page.getByTestId('inbox-item').count(), expected.length);
			const links = await page.getByTestId('inbox-item').evaluateAll((els) => els.map((e) => {
				const a = e.querySelector('a');
				return a ? a.getAttribute('href') : null;
			}));
			assert.deepEqual(links, expected.map((n) => (n.ticket ? `#/tickets/${n.ticket}` : null)));
		}
		await page.keyboard.press('Escape');
		await page.getByTestId('inbox-panel').waitFor({ state: 'detached' });

		// The queue filters on the waiting queues, as the API does.
		const triage = await api('acme', 'GET', '/api/v1/tickets?queue=triage&limit=25', { token: agentToken });
		assert.equal(triage.status, 200, triage.text);
		await page.getByTestId('filter-queue').selectOption('triage');
		await queueShows(page, 'queue=triage');
		assert.equal(new URL(page.url()).hash, '#/?queue=triage');
		assert.deepEqual(await page.getByTestId('queue-number').allInnerTexts(), triage.json.data.map((t) => String(t.number)));
		assert.equal(await page.getByTestId('queue-badge').count(), triage.json.data.length);
		await page.getByTestId('filter-queue').selectOption('fallback');
		await queueShows(page, 'queue=fallback');
		errors.assertClean();
	} finally {
		await api('acme', 'PATCH', '/api/v1/me', { token: agentToken, body: { availability: 'available' } });
		await context.close();
	}
});

test('the admin reads the audit log', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	await signIn(page, 'acme', 'admin@acme.example');
	const admin = await findUser('acme', staffToken, 'staff', 'admin@acme.example');
	await page.goto(url('acme', '#/settings/audit'));
	await page.getByTestId('audit-row').nth(0).waitFor();

	const rows = page.getByTestId('audit-row');
	const ids = await rows.evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
	assert.deepEqual(ids, ids.slice().sort((a, b) => b - a), 'newest first');
	// This sign-in is among the newest entries.
	const signIns = await rows.evaluateAll((els) => els.map((e) => [
		e.querySelector('[data-testid="audit-action"]').textContent,
		e.querySelector('[data-testid="audit-detail"]').textContent,
		e.querySelector('[data-testid="audit-actor"]').textContent,
	]));
	assert.ok(signIns.some((r) => r[0] === 'sign_in' && r[1] === 'admin@acme.example' && r[2] === admin.name),
		'a sign_in of admin@acme.example is listed');

	// "Load more" adds the next, older page.
	if (await page.getByTestId('load-more').count()) {
		const before = ids.length;
		await page.getByTestId('load-more').click();
		await page.waitForFunction((n) => document.querySelectorAll('[data-testid="audit-row"]').length > n, before);
		const all = await rows.evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
		assert.deepEqual(all.slice(0, before), ids);
		assert.ok(all[before] < ids[before - 1]);
	}
	errors.assertClean();
	await context.close();
});
