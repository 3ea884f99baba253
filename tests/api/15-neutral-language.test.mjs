// The neutral-language check on worknotes: a note using a listed word is refused with the
// words named, unless the author overrides, which the timeline records. Runs on a tenant of
// its own so changing the list cannot disturb other tests.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertProblem, assertFieldError, applyTenant } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';
const slug = uniqueTag('w').toLowerCase().slice(0, 24);
let admin, agent, customer, customerId;

test.before(async () => {
	applyTenant({
		slug, name: 'Wordsmith', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Wordsmith Care', issue_word: 'ticket', primary_color: '#4d7c0f', accent_color: '#f7fee7', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Quill'], default_password: 'Word-Pass-123',
		word_list: ['ass', 'idiot*', 'you people'],
		users: [
			{ email: 'admin@wordsmith.example', name: 'Wanda Admin', role: 'admin' },
			{ email: 'agent@wordsmith.example', name: 'Walt Agent', role: 'agent' },
			{ email: 'cust@quill.example', name: 'Quinn Customer', role: 'customer', company: 'Quill' },
		],
	});
	admin = (await loginFull(slug, 'admin@wordsmith.example', 'Word-Pass-123')).token;
	agent = (await loginFull(slug, 'agent@wordsmith.example', 'Word-Pass-123')).token;
	const c = await loginFull(slug, 'cust@quill.example', 'Word-Pass-123');
	customer = c.token;
	customerId = c.user.id;
});

async function ticket() {
	const res = await request(slug, 'POST', '/api/v1/tickets', { token: agent, body: { subject: 'Wording', customer_id: customerId } });
	assert.equal(res.status, 201, res.text);
	return res.json.number;
}
const note = (n, token, body) => request(slug, 'POST', `/api/v1/tickets/${n}/notes`, { token, body });
const notes = async (n) => (await request(slug, 'GET', `/api/v1/tickets/${n}/notes`, { token: agent })).json.data;

test('a listed word blocks a public note, naming the words, and nothing is stored', async () => {
	const n = await ticket();
	const res = await note(n, agent, { body: 'Honestly, Ｉｄｉｏｔｉｃ setup by you people.', visibility: 'public' });
	assertProblem(res, 422, 'neutral_language');
	assert.deepEqual(res.json.errors.map((e) => [e.pointer, e.code]), [['/body', 'neutral_language']]);
	assert.match(res.json.detail, /"idiot\*", "you people"/);
	assert.deepEqual(await notes(n), []);
});

test('words that merely contain a listed word pass', async () => {
	const n = await ticket();
	const res = await note(n, agent, { body: 'The class passed its assessment; bypass the cache.', visibility: 'public' });
	assert.equal(res.status, 201, res.text);
});

test('an override posts the note and the timeline records which words were kept', async () => {
	const n = await ticket();
	const res = await note(n, agent, { body: 'Quoting the customer: "you people are idiots".', visibility: 'public', override: true });
	assert.equal(res.status, 201, res.text);
	const timeline = await request(slug, 'GET', `/api/v1/tickets/${n}/timeline`, { token: agent });
	const added = timeline.json.data.find((e) => e.kind === 'note_added');
	assert.deepEqual(added.data, { note_id: res.json.id, visibility: 'public', override: ['idiot*', 'you people'] });
	// A clean note records no override.
	const clean = await note(n, agent, { body: 'Thanks for your patience.', visibility: 'public' });
	const last = (await request(slug, 'GET', `/api/v1/tickets/${n}/timeline`, { token: agent })).json.data.at(-1);
	assert.deepEqual(last.data, { note_id: clean.json.id, visibility: 'public' });
});

test('internal notes are checked unless the tenant turns it off; customers are checked too', async () => {
	const n = await ticket();
	assertProblem(await note(n, agent, { body: 'what an ass', visibility: 'internal' }), 422, 'neutral_language');
	assertProblem(await note(n, customer, { body: 'you people never answer' }), 422, 'neutral_language');
	const off = await request(slug, 'PUT', '/api/v1/admin/word_list', { token: admin, body: { terms: ['ass', 'idiot*', 'you people'], check_internal_notes: false } });
	assert.equal(off.status, 200, off.text);
	assert.deepEqual(off.json, { terms: ['ass', 'idiot*', 'you people'], check_internal_notes: false });
	assert.equal((await note(n, agent, { body: 'what an ass', visibility: 'internal' })).status, 201);
	assertProblem(await note(n, agent, { body: 'what an ass', visibility: 'public' }), 422, 'neutral_language');
});

test('the word list: admins only, validated, duplicates folded together', async () => {
	assertProblem(await request(slug, 'GET', '/api/v1/admin/word_list', { token: agent }), 403, 'forbidden');
	const bad = await request(slug, 'PUT', '/api/v1/admin/word_list', { token: admin, body: { terms: ['fine', '*bad'] } });
	assertProblem(bad, 422, 'validation_failed');
	assertFieldError(bad, '/terms/1', 'invalid_value');
	const put = await request(slug, 'PUT', '/api/v1/admin/word_list', { token: admin, body: { terms: ['Crétin', 'cretin', 'dummy'] } });
	assert.equal(put.status, 200, put.text);
	assert.deepEqual(put.json.terms, ['Crétin', 'dummy']);
	const get = await request(slug, 'GET', '/api/v1/admin/word_list', { token: admin });
	assert.deepEqual(get.json.terms.sort(), ['Crétin', 'dummy']);
	const n = await ticket();
	assertProblem(await note(n, agent, { body: 'quel CRETIN', visibility: 'public' }), 422, 'neutral_language');
	assert.equal((await note(n, agent, { body: 'you people, what an ass', visibility: 'public' })).status, 201, 'old terms are gone');
	// Another tenant's list is its own.
	const acme = await loginFull('acme', 'agent1@acme.example');
	const acmeList = await request('acme', 'GET', '/api/v1/admin/word_list', { token: acme.token });
	assertProblem(acmeList, 403, 'forbidden');
});
