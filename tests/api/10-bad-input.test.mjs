// Malformed and hostile request bodies: strict JSON, types, Unicode, media types, methods.
// Each case must get a clear 4xx with the right code and must leave nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	request, rawRequest, tokenOf, userOf, newTicket, listAll, uniqueTag, assertProblem, assertFieldError,
	etagOf,
} from './lib.mjs';

const agent = () => tokenOf('acme', 'agent1@acme.example');

// The answer is either 400 invalid_json or 422 validation_failed, with matching code.
function assertRejectedBody(res, what) {
	assert.ok(res.status === 400 || res.status === 422, `${what}: ${res.status} ${res.text}`);
	assertProblem(res, res.status, res.status === 400 ? 'invalid_json' : 'validation_failed');
}

test('syntax errors are 400 invalid_json and create nothing', async () => {
	const tag = uniqueTag('BJ');
	const cid = (await userOf('acme', 'carol@northwind.example')).id;
	const valid = `{"subject":"${tag} ok","description":"d","customer_id":${cid}}`;
	const cases = {
		truncated: `{"subject":"${tag} a","description":"d","customer_id":${cid}`,
		'trailing garbage': `${valid} junk`,
		'two documents': `${valid}${valid}`,
		'block comment': `{/* c */"subject":"${tag} b","description":"d","customer_id":${cid}}`,
		'line comment': `{"subject":"${tag} c", // c\n"description":"d","customer_id":${cid}}`,
		'single quotes': `{'subject':'${tag} d','description':'d','customer_id':${cid}}`,
		'trailing comma': `{"subject":"${tag} e","description":"d","customer_id":${cid},}`,
		'unquoted key': `{subject:"${tag} f","description":"d","customer_id":${cid}}`,
		'NaN': `{"subject":"${tag} g","description":"d","customer_id":NaN}`,
		'TRUE literal': `{"subject":"${tag} h","description":"d","customer_id":${cid},"x":TRUE}`,
		'bad escape': `{"subject":"${tag} \\q","description":"d","customer_id":${cid}}`,
		'raw control character': `{"subject":"${tag} \u0001 i","description":"d","customer_id":${cid}}`,
		'hex number': `{"subject":"${tag} j","description":"d","customer_id":0x1}`,
		'leading zero': `{"subject":"${tag} k","description":"d","customer_id":0${cid}}`,
		'empty body': '',
		'only whitespace': '   ',
	};
	for (const [name, body] of Object.entries(cases)) {
		const res = await request('acme', 'POST', '/api/v1/tickets', { token: await agent(), rawBody: body });
		assertProblem(res, 400, 'invalid_json');
		assert.equal(res.text.includes('"number"'), false, name);
	}
	assert.deepEqual(await listAll('acme', await agent(), { q: tag }), []);
});

test('ambiguous or hostile values are 400 invalid_json or 422 validation_failed and create nothing', async () => {
	const tag = uniqueTag('BV');
	const cid = (await userOf('acme', 'carol@northwind.example')).id;
	const cases = {
		'duplicate key': `{"subject":"${tag} a","subject":"${tag} b","description":"d","customer_id":${cid}}`,
		'duplicate customer_id': `{"subject":"${tag} c","description":"d","customer_id":${cid},"customer_id":1}`,
		'NUL escape': `{"subject":"${tag} \\u0000 d","description":"d","customer_id":${cid}}`,
		'NUL in description': `{"subject":"${tag} e","description":"a\\u0000b","customer_id":${cid}}`,
		'lone high surrogate': `{"subject":"${tag} \\ud800 f","description":"d","customer_id":${cid}}`,
		'lone low surrogate': `{"subject":"${tag} \\udc00 g","description":"d","customer_id":${cid}}`,
		'20-digit customer_id': `{"subject":"${tag} h","description":"d","customer_id":99999999999999999999}`,
		'2^63 customer_id': `{"subject":"${tag} i","description":"d","customer_id":9223372036854775808}`,
		'-2^63 customer_id': `{"subject":"${tag} j","description":"d","customer_id":-9223372036854775808}`,
		'exponent customer_id': `{"subject":"${tag} k","description":"d","customer_id":1e400}`,
		'deep nesting': `{"subject":"${tag} l","description":"d","customer_id":${cid},"x":${'['.repeat(10000)}${']'.repeat(10000)}}`,
		'top-level array': `[{"subject":"${tag} m","description":"d","customer_id":${cid}}]`,
		'top-level string': `"${tag} n"`,
		'top-level null': 'null',
		'top-level number': '42',
	};
	for (const [name, body] of Object.entries(cases)) {
		const res = await request('acme', 'POST', '/api/v1/tickets', { token: await agent(), rawBody: body });
		assertRejectedBody(res, name);
	}
	assert.deepEqual(await listAll('acme', await agent(), { q: tag }), []);
});

test('invalid UTF-8 bytes in a string are refused and create nothing', async () => {
	const tag = uniqueTag('BU');
	const cid = (await userOf('acme', 'carol@northwind.example')).id;
	const sequences = {
		'C3 28': [0xc3, 0x28],
		'lone continuation': [0x80],
		'overlong slash': [0xc0, 0xaf],
		'surrogate encoded': [0xed, 0xa0, 0x80],
		'beyond U+10FFFF': [0xf4, 0x90, 0x80, 0x80],
		'truncated 4-byte': [0xf0, 0x9f, 0x98],
		'FF byte': [0xff],
	};
	for (const [name, bytes] of Object.entries(sequences)) {
		const body = Buffer.concat([
			Buffer.from(`{"subject":"${tag} `),
			Buffer.from(bytes),
			Buffer.from(`","description":"d","customer_id":${cid}}`),
		]);
		const res = await rawRequest('acme', 'POST', '/api/v1/tickets', { token: await agent(), body });
		assertRejectedBody(res, name);
	}
	// Also in a note body.
	const t = await newTicket('acme', await agent(), { subject: `${tag} note target`, customer_id: cid });
	const note = Buffer.concat([Buffer.from('{"body":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from('","visibility":"public"}')]);
	assertRejectedBody(await rawRequest('acme', 'POST', `/api/v1/tickets/${t.number}/notes`, { token: await agent(), body: note }), 'note');
	const notes = await request('acme', 'GET', `/api/v1/tickets/${t.number}/notes`, { token: await agent() });
	assert.deepEqual(notes.json.data, []);
	assert.deepEqual((await listAll('acme', await agent(), { q: tag })).map((x) => x.number), [t.number]);
});

test('wrong types are 422 invalid_type at the field', async () => {
	const tag = uniqueTag('BT');
	const cid = (await userOf('acme', 'carol@northwind.example')).id;
	const cases = [
		[{ subject: 12345, description: `${tag}`, customer_id: cid }, '/subject'],
		[{ subject: [`${tag} arr`], description: 'd', customer_id: cid }, '/subject'],
		[{ subject: { text: `${tag} obj` }, description: 'd', customer_id: cid }, '/subject'],
		[{ subject: `${tag} desc`, description: 5, customer_id: cid }, '/description'],
		[{ subject: `${tag} cid`, description: 'd', customer_id: String(cid) }, '/customer_id'],
		[{ subject: `${tag} float`, description: 'd', customer_id: cid + 0.5 }, '/customer_id'],
		[{ subject: `${tag} bool`, description: 'd', customer_id: true }, '/customer_id'],
		[{ subject: `${tag} prio`, description: 'd', customer_id: cid, priority: 1 }, '/priority'],
	];
	for (const [body, pointer] of cases) {
		assertFieldError(await request('acme', 'POST', '/api/v1/tickets', { token: await agent(), body }), pointer, 'invalid_type');
	}
	const nullSubject = await request('acme', 'POST', '/api/v1/tickets', { token: await agent(), body: { subject: null, description: `${tag}`, customer_id: cid } });
	assertFieldError(nullSubject, '/subject', ['invalid_type', 'required']);
	assert.deepEqual(await listAll('acme', await agent(), { q: tag }), []);
});

test('unknown fields, including server-owned ones, are 422 unknown_field', async () => {
	const tag = uniqueTag('BF');
	const cid = (await userOf('acme', 'carol@northwind.example')).id;
	for (const [field, value] of [['foo', 'bar'], ['tenant_id', 2], ['version', 7], ['status', 'resolved'], ['number', 1], ['assignee_id', 1], ['company_id', 1], ['created_at', '2020-01-01T00:00:00Z']]) {
		const res = await request('acme', 'POST', '/api/v1/tickets', {
			token: await agent(), body: { subject: `${tag} ${field}`, description: 'd', customer_id: cid, [field]: value },
		});
		assertFieldError(res, `/${field}`, 'unknown_field');
	}
	assert.deepEqual(await listAll('acme', await agent(), { q: tag }), []);
});

test('a customer sending a role or tenant field gets 422, not a privilege', async () => {
	const tag = uniqueTag('BR');
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: await tokenOf('acme', 'carol@northwind.example'), body: { subject: `${tag} role`, description: 'd', role: 'admin' },
	});
	assertFieldError(res, '/role', 'unknown_field');
	const login = await request('acme', 'POST', '/api/v1/auth/login', {
		body: { email: 'carol@northwind.example', password: 'Demo-Pass-1', role: 'admin' },
	});
	assertFieldError(login, '/role', 'unknown_field');
});

test('a body that is not application/json is 415 and creates nothing', async () => {
	const tag = uniqueTag('BM');
	const cid = (await userOf('acme', 'carol@northwind.example')).id;
	const json = JSON.stringify({ subject: `${tag} media`, description: 'd', customer_id: cid });
	for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'text/json']) {
		const res = await request('acme', 'POST', '/api/v1/tickets', { token: await agent(), rawBody: json, headers: { 'Content-Type': type } });
		assertProblem(res, 415, 'unsupported_media_type');
	}
	const none = await request('acme', 'POST', '/api/v1/tickets', { token: await agent(), rawBody: json, headers: { 'Content-Type': null } });
	assertProblem(none, 415, 'unsupported_media_type');
	assert.deepEqual(await listAll('acme', await agent(), { q: tag }), []);
	// PATCH is held to the same rule.
	const t = await newTicket('acme', await agent(), { subject: `${tag} patch target`, customer_id: cid });
	const patch = await request('acme', 'PATCH', `/api/v1/tickets/${t.number}`, {
		token: await agent(), rawBody: '{"priority":"high"}', headers: { 'Content-Type': 'text/plain', 'If-Match': etagOf(t.version) },
	});
	assertProblem(patch, 415, 'unsupported_media_type');
});

test('application/json with a charset parameter is accepted', async () => {
	const tag = uniqueTag('BC');
	const cid = (await userOf('acme', 'carol@northwind.example')).id;
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: await agent(),
		rawBody: JSON.stringify({ subject: `${tag} charset`, description: 'd', customer_id: cid }),
		headers: { 'Content-Type': 'application/json; charset=utf-8' },
	});
	assert.equal(res.status, 201, res.text);
});

test('malformed JSON on PATCH, transitions and notes is 400 and changes nothing', async () => {
	const tag = uniqueTag('BP');
	const cid = (await userOf('acme', 'carol@northwind.example')).id;
	const t = await newTicket('acme', await agent(), { subject: `${tag} target`, customer_id: cid });
	const token = await agent();
	assertProblem(await request('acme', 'PATCH', `/api/v1/tickets/${t.number}`, { token, rawBody: '{"priority":"high"} x', headers: { 'If-Match': etagOf(t.version) } }), 400, 'invalid_json');
	assertProblem(await request('acme', 'PATCH', `/api/v1/tickets/${t.number}`, { token, rawBody: '{"priority":"high","priority":"low"', headers: { 'If-Match': etagOf(t.version) } }), 400, 'invalid_json');
	assertRejectedBody(await request('acme', 'PATCH', `/api/v1/tickets/${t.number}`, { token, rawBody: '{"priority":"high","priority":"low"}', headers: { 'If-Match': etagOf(t.version) } }), 'duplicate priority');
	assertProblem(await request('acme', 'POST', `/api/v1/tickets/${t.number}/transitions`, { token, rawBody: "{'to':'resolved'}" }), 400, 'invalid_json');
	assertProblem(await request('acme', 'POST', `/api/v1/tickets/${t.number}/notes`, { token, rawBody: '{"body":"x",}' }), 400, 'invalid_json');
	assertProblem(await request('acme', 'POST', '/api/v1/auth/login', { rawBody: '{"email":"agent1@acme.example","password":"Demo-Pass-1"} x' }), 400, 'invalid_json');
	const now = await request('acme', 'GET', `/api/v1/tickets/${t.number}`, { token });
	assert.deepEqual(now.json, t);
	assert.deepEqual((await request('acme', 'GET', `/api/v1/tickets/${t.number}/notes`, { token })).json.data, []);
});

test('unknown routes are 404 and wrong methods 405', async () => {
	const token = await agent();
	assertProblem(await request('acme', 'GET', '/api/v1/nothing-here', { token }), 404, 'not_found');
	assertProblem(await request('acme', 'GET', '/api/v2/tickets', { token }), 404, 'not_found');
	assertProblem(await request('acme', 'DELETE', '/api/v1/tickets/1', { token }), 405, 'method_not_allowed');
	assertProblem(await request('acme', 'PUT', '/api/v1/tickets', { token, body: {} }), 405, 'method_not_allowed');
	assertProblem(await request('acme', 'GET', '/api/v1/auth/login'), 405, 'method_not_allowed');
});

test('ticket numbers in the path must be positive integers', async () => {
	const token = await agent();
	for (const n of ['0', '-1', 'abc', '1e3', '0x10', '01', '99999999999999999999', '1;2', '1%20']) {
		const res = await request('acme', 'GET', `/api/v1/tickets/${n}`, { token });
		assert.ok(res.status === 404 || res.status === 400, `${n}: ${res.status} ${res.text}`);
		assertProblem(res, res.status, res.status === 404 ? 'not_found' : 'invalid_parameter');
	}
	// nginx itself refuses an encoded NUL in the path before the application sees it; the
	// answer is still a problem document.
	const nul = await request('acme', 'GET', '/api/v1/tickets/1%00', { token });
	assert.equal(nul.status, 400, nul.text);
	assert.match(nul.headers['content-type'], /^application\/problem\+json/);
	assert.equal(nul.json.status, 400);
	assert.ok(['bad_request', 'invalid_parameter'].includes(nul.json.code), nul.text);
});

test('hostile text is stored as text and returned as JSON, never interpreted', async () => {
	const tag = uniqueTag('BH');
	const cid = (await userOf('acme', 'carol@northwind.example')).id;
	const subject = `${tag} <script>alert(1)</script> '; DROP TABLE tickets; -- \u202Egnp.exe "q" \\ /`;
	const t = await newTicket('acme', await agent(), { subject, customer_id: cid });
	assert.equal(t.subject, subject);
	const got = await request('acme', 'GET', `/api/v1/tickets/${t.number}`, { token: await agent() });
	assert.equal(got.json.subject, subject);
	assert.match(got.headers['content-type'], /^application\/json/);
	assert.equal(got.headers['x-content-type-options'], 'nosniff');
	const list = await listAll('acme', await agent(), { q: tag });
	assert.deepEqual(list.map((x) => x.number), [t.number]);
	// A search with SQL and LIKE metacharacters is a plain search.
	for (const q of ["' OR '1'='1", '%', '_', '\\']) {
		const res = await request('acme', 'GET', `/api/v1/tickets?q=${encodeURIComponent(q)}&limit=100`, { token: await agent() });
		assert.equal(res.status, 200, `${q}: ${res.text}`);
		for (const x of res.json.data) assert.ok(x.subject.includes(q), `q=${q} matched ${x.subject}`);
	}
});
