// The customer portal, branded as the tenant: the customer's own issues
// (called by the tenant's word for them), raising one, and replying.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import * as api from './api.js';
import { html, useRoute, navigate, Time, StatusBadge, ErrorBox, FieldError, Loading, Logo, capitalize } from './ui.js';
import {
	NoteList, ticketNumberFrom, useFlash, FlashBar, getAll, LanguageWarning, isLanguageError,
} from './shared.js';

const PAGE_SIZE = 25;

/** The tenant's words: "request" → {one: "request", many: "requests", One: "Request", Many: "Requests"}. */
function wordsOf(branding) {
	const one = String((branding && branding.issue_word) || 'request').trim() || 'request';
	const many = one + 's';
	return { one, many, One: capitalize(one), Many: capitalize(many) };
}

export function Portal({ user, tenant, onSignOut }) {
	const route = useRoute();
	const flash = useFlash(route);
	const branding = tenant.branding || {};
	const words = wordsOf(branding);
	const product = branding.product_name || tenant.name;
	const seeCompany = !!(tenant.settings && tenant.settings.customers_see_company);

	let view;
	const number = ticketNumberFrom(route.path);
	if (route.path === '/') view = html`<${MyIssues} words=${words} user=${user} seeCompany=${seeCompany} />`;
	else if (route.path === '/new') view = html`<${NewIssue} words=${words} flash=${flash.show} />`;
	else if (number) view = html`<${IssueView} key=${number} number=${number} words=${words} user=${user} seeCompany=${seeCompany} />`;
	else view = html`<section class="panel"><h1>Page not found</h1><p><a href="#/">Back to my ${words.many}</a></p></section>`;

	return html`<div class="portal">
		<header class="topbar portal-topbar" data-testid="portal-header">
			<a class="topbar-brand" href="#/" data-testid="brand-home">
				<${Logo} branding=${branding} className="topbar-logo" />
				<span class="topbar-title" data-testid="product-name">${product}</span>
			</a>
			<nav class="topbar-nav">
				<a href="#/" class=${route.path === '/' ? 'active' : ''} data-testid="nav-my-issues">My ${words.many}</a>
				<a href="#/new" class=${route.path === '/new' ? 'active' : ''} data-testid="nav-new-issue">New ${words.one}</a>
			</nav>
			<div class="topbar-user">
				<span class="user-name" data-testid="user-name">${user.name}</span>
				${user.company && html`<span class="user-role" data-testid="user-company">${user.company.name}</span>`}
				<button class="btn btn-ghost" onClick=${onSignOut} data-testid="sign-out">Sign out</button>
			</div>
		</header>
		<main class="page page-narrow">
			<${FlashBar} flash=${flash} />
			${view}
		</main>
	</div>`;
}

function MyIssues({ words, user, seeCompany }) {
	const [rows, setRows] = useState(null);
	const [cursor, setCursor] = useState(null);
	const [error, setError] = useState(null);
	const [loadingMore, setLoadingMore] = useState(false);

	useEffect(() => {
		let live = true;
		api.get('/tickets' + api.query({ limit: PAGE_SIZE }))
			.then((r) => {
				if (!live) return;
				setRows(r.data.data || []);
				setCursor(r.data.next_cursor || null);
			})
			.catch((e) => { if (live) { setError(e); setRows([]); } });
		return () => { live = false; };
	}, []);

	async function loadMore() {
		if (!cursor || loadingMore) return;
		setLoadingMore(true);
		try {
			const r = await api.get('/tickets' + api.query({ limit: PAGE_SIZE, cursor }));
			setRows((old) => old.concat(r.data.data || []));
			setCursor(r.data.next_cursor || null);
		} catch (e) {
			setError(e);
		} finally {
			setLoadingMore(false);
		}
	}

	const showRaisedBy = seeCompany && (rows || []).some((t) => t.customer && t.customer.id !== user.id);
	return html`<section>
		<div class="page-head">
			<h1 data-testid="page-title">My ${words.many}</h1>
			<button class="btn btn-primary" onClick=${() => navigate('/new')} data-testid="new-ticket-button">New ${words.one}</button>
		</div>
		<${ErrorBox} error=${error} testid="list-error" />
		${rows === null ? html`<${Loading} />`
			: rows.length === 0 ? html`<div class="panel empty" data-testid="portal-empty">
				<p>You have no ${words.many} yet.</p>
				<p><a href="#/new">Raise a new ${words.one}</a> and we will get back to you.</p>
			</div>`
			: html`<table class="table" data-testid="portal-table">
				<thead><tr>
					<th class="col-num">#</th><th>Subject</th><th>Status</th>
					${showRaisedBy && html`<th>Raised by</th>`}<th>Last update</th>
				</tr></thead>
				<tbody>
					${rows.map((t) => html`<tr key=${t.number} class="clickable" data-testid="portal-ticket-row" data-number=${t.number}
						onClick=${(e) => { if (e.target.tagName !== 'A') navigate('/tickets/' + t.number); }}>
						<td class="col-num">${t.number}</td>
						<td class="col-subject"><a href=${'#/tickets/' + t.number} data-testid="portal-ticket-subject">${t.subject}</a></td>
						<td><${StatusBadge} status=${t.status} testid="portal-ticket-status" /></td>
						${showRaisedBy && html`<td class="col-person">${t.customer ? t.customer.name : ''}</td>`}
						<td class="col-time"><${Time} iso=${t.updated_at} /></td>
					</tr>`)}
				</tbody>
			</table>`}
		${cursor && html`<div class="load-more">
			<button class="btn" onClick=${loadMore} disabled=${loadingMore} data-testid="load-more">
				${loadingMore ? 'Loading…' : 'Load more'}</button>
		</div>`}
	</section>`;
}

function NewIssue({ words, flash }) {
	const [form, setForm] = useState({ subject: '', description: '', category: '' });
	const [categories, setCategories] = useState([]);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const attempt = useRef(null); // {key, body}: a retry of the same body reuses its key

	useEffect(() => {
		let live = true;
		api.get('/categories').then((r) => live && setCategories(r.data.data || [])).catch(() => {});
		return () => { live = false; };
	}, []);

	const set = (name) => (e) => {
		const value = e.currentTarget.value;
		setForm((f) => ({ ...f, [name]: value }));
	};

	async function submit(ev) {
		ev.preventDefault();
		if (busy) return;
		const body = { subject: form.subject, description: form.description };
		if (form.category) body.category = form.category;
		const text = JSON.stringify(body);
		if (!attempt.current || attempt.current.body !== text) attempt.current = { key: api.newIdempotencyKey(), body: text };
		setBusy(true);
		setError(null);
		try {
			const r = await api.post('/tickets', body, { headers: { 'Idempotency-Key': attempt.current.key } });
			attempt.current = null;
			const path = '/tickets/' + r.data.number;
			flash('Thank you. Your ' + words.one + ' #' + r.data.number + ' has been received.', 'success', path);
			navigate(path);
		} catch (e) {
			setError(e);
			setBusy(false);
		}
	}

	return html`<section class="panel form-panel">
		<div class="page-head"><h1 data-testid="page-title">New ${words.one}</h1><a href="#/">Cancel</a></div>
		<form onSubmit=${submit} novalidate data-testid="new-ticket-form">
			<label class="field">
				<span>Subject</span>
				<input type="text" maxlength="200" data-testid="new-ticket-subject" value=${form.subject} onInput=${set('subject')}
					placeholder=${'A short summary of your ' + words.one} />
				<${FieldError} error=${error} pointer="/subject" />
			</label>
			<label class="field">
				<span>Description</span>
				<textarea rows="8" data-testid="new-ticket-description" value=${form.description} onInput=${set('description')}
					placeholder="What happened, and what did you expect?"></textarea>
				<${FieldError} error=${error} pointer="/description" />
			</label>
			${categories.length > 0 && html`<label class="field field-narrow">
				<span>What is it about?</span>
				<select data-testid="new-ticket-category" value=${form.category} onChange=${set('category')}>
					<option value="">Something else</option>
					${categories.map((c) => html`<option key=${c.name} value=${c.name}>${c.name}</option>`)}
				</select>
				<${FieldError} error=${error} pointer="/category" />
			</label>`}
			<${ErrorBox} error=${error} shown=${['/subject', '/description', '/category']} />
			<div class="form-actions">
				<button type="submit" class="btn btn-primary" disabled=${busy} data-testid="new-ticket-submit">
					${busy ? 'Sending…' : 'Send ' + words.one}</button>
			</div>
		</form>
	</section>`;
}

function IssueView({ number, words, user, seeCompany }) {
	const [ticket, setTicket] = useState(null);
	const [notes, setNotes] = useState(null);
	const [error, setError] = useState(null);
	const base = '/tickets/' + number;

	const reload = useCallback(async () => {
		try {
			const [t, n] = await Promise.all([api.get(base), getAll(base + '/notes')]);
			setTicket(t.data);
			setNotes(n);
			setError(null);
		} catch (e) {
			setError(e);
		}
	}, [base]);

	useEffect(() => { reload(); }, [reload]);

	async function reply(body) {
		const r = await api.post(base + '/notes', { body, visibility: 'public' });
		// Past the reopen window the reply starts a new ticket that follows this one.
		if (r.data && r.data.follows && r.data.ticket) {
			navigate('/tickets/' + r.data.ticket);
			return;
		}
		await reload();
	}

	if (error && !ticket) {
		return html`<section class="panel">
			<p><a href="#/">← My ${words.many}</a></p>
			${error.status === 404
				? html`<h1 data-testid="ticket-not-found">${words.One} #${number} was not found</h1>`
				: html`<${ErrorBox} error=${error} testid="page-error" />`}
		</section>`;
	}
	if (!ticket) return html`<${Loading} />`;

	const raisedByOther = seeCompany && ticket.customer && ticket.customer.id !== user.id;
	return html`<article class="ticket" data-testid="ticket-view" data-number=${ticket.number}>
		<p class="crumbs"><a href="#/" data-testid="back-to-list">← My ${words.many}</a></p>
		<div class="ticket-head">
			<h1><span class="ticket-number" data-testid="ticket-number">${words.One} #${ticket.number}</span>
				<span data-testid="ticket-subject">${ticket.subject}</span></h1>
			<${StatusBadge} status=${ticket.status} testid="ticket-status" />
		</div>
		<p class="muted ticket-meta">
			Raised <${Time} iso=${ticket.created_at} />
			${raisedByOther && html` by ${ticket.customer.name}`}
			${' · last update '}<${Time} iso=${ticket.updated_at} />
		</p>
		<section class="panel">
			<h2 class="panel-title">Description</h2>
			${ticket.description
				? html`<div class="prose" data-testid="ticket-description">${ticket.description}</div>`
				: html`<p class="muted" data-testid="ticket-description">No description.</p>`}
		</section>
		<section class="panel">
			<h2 class="panel-title">Conversation</h2>
			${notes === null ? html`<${Loading} />`
				: html`<${NoteList} notes=${notes} staffView=${false} emptyText="No replies yet. We will answer here." />`}
			<${ReplyBox} onSubmit=${reply} />
		</section>
	</article>`;
}

function ReplyBox({ onSubmit }) {
	const [body, setBody] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);

	async function submit(ev) {
		ev.preventDefault();
		if (busy || !body.trim()) return;
		setBusy(true);
		setError(null);
		try {
			await onSubmit(body);
			setBody('');
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	}

	return html`<form class="composer composer-public" onSubmit=${submit} data-testid="composer">
		<label class="field">
			<span>Your reply</span>
			<textarea rows="4" data-testid="note-body" value=${body} onInput=${(e) => setBody(e.currentTarget.value)}></textarea>
		</label>
		${isLanguageError(error)
			? html`<${LanguageWarning} error=${error} />`
			: html`<${FieldError} error=${error} pointer="/body" />
				<${ErrorBox} error=${error} shown=${['/body']} testid="note-error" />`}
		<div class="composer-actions">
			<span></span>
			<button type="submit" class="btn btn-primary" disabled=${busy || !body.trim()} data-testid="note-submit">
				${busy ? 'Sending…' : 'Send reply'}</button>
		</div>
	</form>`;
}
