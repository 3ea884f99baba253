// The rule editor in the browser, on a tenant of its own: an admin builds a rule entirely with
// the form (trigger, a condition row, two action rows), saves it, finds it again after a reload,
// and a ticket raised through the API gets exactly its tag and team; then the admin reorders
// and deletes rules with the form and the API shows each result. A refused save shows the
// server's reason next to the row it names and keeps everything that was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, watchErrors, signIn, api, apiLogin, uniqueTag, texts, url } from './lib.mjs';
import { applyTenant } from '../api/lib.mjs';

const PASS = 'Rule-Pass-1234';
const slug = ('r' + uniqueTag()).slice(0, 20);
let browser, admin, customer, teams;

before(async () => {
	applyTenant({
		slug, name: 'Ruletest', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Rule Help', issue_word: 'ticket', primary_color: '#0f766e', accent_color: '#f0fdfa', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		routing: { intake: 'manual', manager: 'boss@rule.example', levels: { low: 1, normal: 1, high: 1, urgent: 1 },
			categories: [{ name: 'Printers', skill: 'printers' }] },
		teams: [{ name: 'Billing', members: ['bill@rule.example'] }, { name: 'Hardware', members: ['hal@rule.example'] }],
		users: [
			{ email: 'admin@rule.example', name: 'Ada Admin', role: 'admin' },
			{ email: 'boss@rule.example', name: 'Bo Boss', role: 'manager' },
			{ email: 'hal@rule.example', name: 'Hal Hardware', role: 'agent', skills: { printers: 3 } },
			{ email: 'bill@rule.example', name: 'Bill Billing', role: 'agent' },
			{ email: 'cust@client.example', name: 'Cy Customer', role: 'customer', company: 'Client' },
		],
	});
	browser = await launch();
	admin = (await apiLogin(slug, 'admin@rule.example', PASS)).token;
	customer = (await apiLogin(slug, 'cust@client.example', PASS)).token;
	const res = await api(slug, 'GET', '/api/v1/admin/teams', { token: admin });
	assert.equal(res.status, 200, res.text);
	teams = Object.fromEntries(res.json.data.map((t) => [t.name, t.id]));
});

after(async () => {
	if (browser) await browser.close();
});

async function storedRules() {
	const res = await api(slug, 'GET', '/api/v1/admin/rules', { token: admin });
	assert.equal(res.status, 200, res.text);
	return res.json.data.map(({ id, ...rest }) => rest);
}

async function raise(subject, priority) {
	const res = await api(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject, description: 'From the rule editor test.', priority } });
	assert.equal(res.status, 201, res.text);
	const t = await api(slug, 'GET', `/api/v1/tickets/${res.json.number}`, { token: admin });
	assert.equal(t.status, 200, t.text);
	return t.json;
}

/** Signs the admin in and opens the rules page with its list loaded. */
async function openRules(page) {
	await signIn(page, slug, 'admin@rule.example', PASS);
	await page.goto(url(slug, '#/settings/rules'));
	await page.getByTestId('rule-form').waitFor();
}

const VIP = {
	name: 'VIP customers', enabled: true, trigger: 'created',
	conditions: { field: 'priority', op: 'equals', value: 'high' },
	actions: [{ type: 'add_tag', value: 'vip' }, { type: 'set_team', value: null }],
};

test('an admin builds a rule with the form; it survives a reload and tags and teams a new ticket', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	await openRules(page);
	await page.getByTestId('rules-empty').waitFor();
	assert.equal(await page.getByTestId('settings-dirty').count(), 0);

	await page.getByTestId('rules-add').click();
	const editor = page.getByTestId('rule-editor');
	await editor.waitFor();
	// Every trigger the server accepts, and the fields a time rule needs.
	assert.deepEqual(await page.getByTestId('rule-trigger').locator('option').evaluateAll((os) => os.map((o) => o.value)),
		['created', 'updated', 'status_changed', 'note_added', 'light_amber', 'light_red', 'time_in_status']);
	await page.getByTestId('rule-trigger').selectOption('time_in_status');
	assert.deepEqual(await page.getByTestId('rule-status').locator('option').evaluateAll((os) => os.map((o) => o.value)),
		['', 'not_started', 'in_progress', 'awaiting_update', 'deferred', 'resolved']);
	await page.getByTestId('rule-minutes').waitFor();
	await page.getByTestId('rule-trigger').selectOption('created');
	assert.equal(await page.getByTestId('rule-minutes').count(), 0);

	await page.getByTestId('rule-name-input').fill(VIP.name);
	await page.getByTestId('rule-add-condition').click();
	await page.getByTestId('cond-0-field').selectOption('priority');
	await page.getByTestId('cond-0-op').selectOption('equals');
	await page.getByTestId('cond-0-value').selectOption('high');
	await page.getByTestId('action-0-type').selectOption('add_tag');
	await page.getByTestId('action-0-value').fill('vip');
	await page.getByTestId('rule-add-action').click();
	await page.getByTestId('action-1-type').selectOption('set_team');
	await page.getByTestId('action-1-value').locator('option', { hasText: 'Hardware' }).waitFor({ state: 'attached' });
	assert.deepEqual(await page.getByTestId('action-1-value').locator('option').allInnerTexts(), ['Choose…', 'Billing', 'Hardware']);
	await page.getByTestId('action-1-value').selectOption({ label: 'Hardware' });

	// The rule in words, and the changes marked as not yet saved.
	assert.equal(await page.getByTestId('rule-when').innerText(), 'a ticket is created');
	assert.equal(await page.getByTestId('rule-if').innerText(), 'Priority equals High');
	assert.deepEqual(await texts(page, 'rule-then'), ['add the tag “vip”', 'set the team to Hardware']);
	assert.equal(await page.getByTestId('rule-state').innerText(), 'NEW');
	assert.equal(await page.getByTestId('settings-dirty').innerText(), 'Unsaved changes');
	assert.deepEqual(await storedRules(), []);

	// The JSON view says the same as the form.
	const expected = { ...VIP, actions: [VIP.actions[0], { type: 'set_team', value: teams.Hardware }] };
	await page.getByTestId('rules-advanced-toggle').click();
	assert.deepEqual(JSON.parse(await page.getByTestId('rules-json').inputValue()), [expected]);
	await page.getByTestId('rules-advanced-toggle').click();

	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-saved').waitFor();
	assert.equal(await page.getByTestId('settings-dirty').count(), 0);
	assert.deepEqual(await storedRules(), [expected]);

	await page.reload();
	await page.getByTestId('rule-item').first().waitFor();
	assert.deepEqual(await texts(page, 'rule-name'), ['VIP customers']);
	assert.equal(await page.getByTestId('rule-if').innerText(), 'Priority equals High');
	assert.deepEqual(await texts(page, 'rule-then'), ['add the tag “vip”', 'set the team to Hardware']);
	assert.equal(await page.getByTestId('rule-state').count(), 0);

	const high = await raise('Everything is down ' + uniqueTag(), 'high');
	assert.deepEqual([high.priority, high.tags, high.team], ['high', ['vip'], { id: teams.Hardware, name: 'Hardware' }]);
	const normal = await raise('A small question ' + uniqueTag(), 'normal');
	assert.deepEqual([normal.tags, normal.team], [[], null]);
	errors.assertClean();
	await context.close();
});

test('the admin reorders and deletes rules with the form; the API shows each result', async () => {
	const vip = (await storedRules()).find((r) => r.name === VIP.name);
	assert.ok(vip, 'the first test saved the VIP rule');
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	await openRules(page);
	await page.getByTestId('rule-item').first().waitFor();

	// A second rule, below the first.
	await page.getByTestId('rules-add').click();
	await page.getByTestId('rule-name-input').fill('Invoices to Billing');
	await page.getByTestId('rule-add-condition').click();
	await page.getByTestId('cond-0-field').selectOption('subject');
	await page.getByTestId('cond-0-op').selectOption('contains');
	await page.getByTestId('cond-0-value').fill('invoice');
	await page.getByTestId('action-0-type').selectOption('set_team');
	await page.getByTestId('action-0-value').selectOption({ label: 'Billing' });
	await page.getByTestId('rule-done').click();
	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-saved').waitFor();
	const invoices = { name: 'Invoices to Billing', enabled: true, trigger: 'created',
		conditions: { field: 'subject', op: 'contains', value: 'invoice' }, actions: [{ type: 'set_team', value: teams.Billing }] };
	assert.deepEqual(await storedRules(), [vip, invoices]);

	// Move the second up: the list shows the new order at once, the server after Save.
	await page.getByTestId('rule-item').nth(1).getByTestId('rule-up').click();
	assert.deepEqual(await texts(page, 'rule-name'), ['Invoices to Billing', 'VIP customers']);
	assert.equal(await page.getByTestId('settings-dirty').innerText(), 'Unsaved changes');
	assert.deepEqual((await storedRules()).map((r) => r.name), ['VIP customers', 'Invoices to Billing']);
	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-saved').waitFor();
	assert.deepEqual(await storedRules(), [invoices, vip]);

	// Delete the VIP rule (now second); it is gone from the server only after Save.
	await page.getByTestId('rule-item').nth(1).getByTestId('rule-delete').click();
	assert.deepEqual(await texts(page, 'rule-name'), ['Invoices to Billing']);
	assert.equal(await page.getByTestId('settings-dirty').innerText(), 'Unsaved changes (1 rule deleted)');
	assert.equal((await storedRules()).length, 2);
	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-saved').waitFor();
	assert.deepEqual(await storedRules(), [invoices]);

	// The deleted rule no longer fires; the remaining one does.
	const high = await raise('Invoice total wrong ' + uniqueTag(), 'high');
	assert.deepEqual([high.tags, high.team], [[], { id: teams.Billing, name: 'Billing' }]);
	await page.reload();
	await page.getByTestId('rule-item').first().waitFor();
	assert.deepEqual(await texts(page, 'rule-name'), ['Invoices to Billing']);

	// What is typed as JSON shows in the form; Discard brings back what is saved.
	await page.getByTestId('rules-advanced-toggle').click();
	const typed = [{ ...invoices, name: 'Typed as JSON', conditions: { any: [invoices.conditions, { field: 'priority', op: 'in', value: ['high', 'urgent'] }] } }];
	await page.getByTestId('rules-json').fill(JSON.stringify(typed, null, 2));
	await page.getByTestId('rules-advanced-toggle').click();
	assert.deepEqual(await texts(page, 'rule-name'), ['Typed as JSON']);
	assert.equal(await page.getByTestId('rule-if').innerText(), 'Subject contains “invoice” or Priority is one of High, Urgent');
	assert.equal(await page.getByTestId('rule-state').innerText(), 'EDITED');
	await page.getByTestId('rule-edit').click();
	assert.equal(await page.getByTestId('rule-combine').inputValue(), 'any');
	assert.deepEqual([await page.getByTestId('cond-1-in-high').isChecked(), await page.getByTestId('cond-1-in-urgent').isChecked(),
		await page.getByTestId('cond-1-in-low').isChecked()], [true, true, false]);
	await page.getByTestId('settings-discard').click();
	assert.deepEqual(await texts(page, 'rule-name'), ['Invoices to Billing']);
	assert.equal(await page.getByTestId('settings-dirty').count(), 0);
	assert.deepEqual(await storedRules(), [invoices]);
	errors.assertClean();
	await context.close();
});

test('a refused save names the problem next to the row and keeps everything typed', async () => {
	const before = await storedRules();
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	errors.expect(/^\/api\/v1\/admin\/rules$/);
	await openRules(page);
	await page.getByTestId('rule-item').first().waitFor();

	const name = '<b>Shout</b> & "tags"';
	await page.getByTestId('rules-add').click();
	await page.getByTestId('rule-name-input').fill(name);
	await page.getByTestId('action-0-value').fill('Not A Tag');
	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-errors').waitFor();
	const message = 'add_tag takes a tag: 1 to 40 of a-z, 0-9, _ and -';
	assert.deepEqual(await texts(page, 'settings-error-item'), [`Rule 2 (${name}), action 1: ${message}`]);
	// Next to the action row it names, in the editor that stayed open with what was typed.
	assert.deepEqual(await page.getByTestId('action-0').getByTestId('rule-row-error').allInnerTexts(), [message]);
	assert.equal(await page.getByTestId('rule-name-input').inputValue(), name);
	assert.equal(await page.getByTestId('action-0-value').inputValue(), 'Not A Tag');
	assert.equal(await page.getByTestId('settings-dirty').innerText(), 'Unsaved changes');
	// The name is shown as text, never as markup.
	assert.equal(await page.getByTestId('rule-name').nth(1).innerText(), name);
	assert.equal(await page.getByTestId('rule-name').nth(1).locator('b').count(), 0);
	assert.deepEqual(await storedRules(), before);

	// A time rule without its minutes: the server's reason stands beside the rule.
	await page.getByTestId('action-0-value').fill('shout');
	await page.getByTestId('rule-trigger').selectOption('time_in_status');
	await page.getByTestId('rule-status').selectOption('awaiting_update');
	await page.getByTestId('settings-save').click();
	await page.getByTestId('rule-error').first().waitFor();
	assert.deepEqual(await texts(page, 'rule-error'), ['time_in_status needs minutes (1 to 525600) and a status key']);
	assert.deepEqual(await storedRules(), before);

	await page.getByTestId('rule-minutes').fill('45');
	await page.getByTestId('settings-save').click();
	await page.getByTestId('settings-saved').waitFor();
	assert.equal(await page.getByTestId('settings-errors').count(), 0);
	assert.deepEqual(await storedRules(), [...before, { name, enabled: true, trigger: 'time_in_status', minutes: 45, status: 'awaiting_update',
		conditions: {}, actions: [{ type: 'add_tag', value: 'shout' }] }]);
	assert.equal(await page.getByTestId('rule-when').nth(1).innerText(), 'a ticket has been 45 minutes in Awaiting update');
	errors.assertClean();
	await context.close();
});
