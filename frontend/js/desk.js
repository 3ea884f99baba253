// The agent desk: the queue, raising a ticket for a customer, and the
// ticket view with worknotes, status moves, assignment, service levels,
// supplier requests and the timeline; the lights board in the header and,
// for admins, the settings.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import * as api from './api.js';
import {
	html, useRoute, navigate, replaceQuery, Time, StatusBadge, PriorityBadge,
	ErrorBox, FieldError, Loading, Logo, PRIORITIES, capitalize,
} from './ui.js';
import {
	NoteList, ticketNumberFrom, useFlash, FlashBar, getAll, LanguageWarning, isLanguageError,
} from './shared.js';
import { Board, LightDots, ServiceLevelsCard, levelOf } from './lights.js';
import { SupplierRequests } from './supplier.js';
import { Settings } from './settings.js';
import { Reports } from './reports.js';

const PAGE_SIZE = 25;

export function Desk({ user, tenant, onSignOut }) {
	const route = useRoute();
	const [statuses, setStatuses] = useState(null);
	const [pipelines, setPipelines] = useState({ list: [], default: null });
	const [staff, setStaff] = useState([]);
	const [refError, setRefError] = useState(null);
	const flash = useFlash(route);

	useEffect(() => {
		let live = true;
		Promise.all([api.get('/statuses'), getAll('/users' + api.query({ role: 'staff' }))])
			.then(([s, people]) => {
				if (!live) return;
				setStatuses(s.data.data || []);
				setPipelines({ list: s.data.pipelines || [], default: s.data.pipeline || null });
				setStaff(people);
			})
			.catch((e) => live && setRefError(e));
		return () => { live = false; };
	}, []);

	let view;
	const number = ticketNumberFrom(route.path);
	if (refError) view = html`<${ErrorBox} error=${refError} testid="page-error" />`;
	else if (!statuses) view = html`<${Loading} />`;
	else if (route.path === '/') view = html`<${Queue} key="queue" params=${route.params} statuses=${statuses} staff=${staff} user=${user} />`;
	else if (route.path === '/new') view = html`<${NewTicket} flash=${flash.show} pipelines=${pipelines} />`;
	else if (number) view = html`<${TicketView} key=${number} number=${number} statuses=${statuses} pipelines=${pipelines} staff=${staff} user=${user} flash=${flash.show} />`;
	else if (route.path === '/reports') view = html`<${Reports} user=${user} params=${route.params} />`;
	else if (route.path === '/settings' || route.path.startsWith('/settings/')) view = html`<${Settings} user=${user} path=${route.path} />`;
	else view = html`<${NotFound} />`;

	const branding = tenant.branding || {};
	return html`<div class="desk">
		<header class="topbar desk-topbar">
			<a class="topbar-brand" href="#/" data-testid="brand-home">
				<${Logo} branding=${branding} className="topbar-logo" />
				<span class="topbar-title" data-testid="tenant-name">${tenant.name}</span>
				<span class="topbar-sub">Agent desk</span>
			</a>
			<nav class="topbar-nav">
				<a href="#/" class=${route.path === '/' ? 'active' : ''} data-testid="nav-queue">Queue</a>
				<a href="#/reports" class=${route.path === '/reports' ? 'active' : ''} data-testid="nav-reports">Reports</a>
				${user.role === 'admin' && html`<a href="#/settings" class=${route.path.startsWith('/settings') ? 'active' : ''}
					data-testid="nav-settings">Settings</a>`}
			</nav>
			<${Board} path=${route.path} />
			<div class="topbar-user">
				<${Inbox} path=${route.path} />
				<${AvailabilityToggle} />
				<span class="user-name" data-testid="user-name">${user.name}</span>
				<span class="user-role" data-testid="user-role">${capitalize(user.role)}</span>
				<button class="btn btn-ghost" onClick=${onSignOut} data-testid="sign-out">Sign out</button>
			</div>
		</header>
		<main class="page">
			<${FlashBar} flash=${flash} />
			${view}
		</main>
	</div>`;
}

/* ---------------- availability and notifications ---------------- */

// GET /me does not say it, so the last answer of PATCH /me is kept for the page's life.
let knownAvailability = 'available';

function AvailabilityToggle() {
	const [availability, setAvailability] = useState(knownAvailability);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const away = availability === 'away';

	async function toggle() {
		if (busy) return;
		setBusy(true);
		setError(null);
		try {
			const r = await api.patch('/me', { availability: away ? 'available' : 'away' });
			knownAvailability = r.data.availability === 'away' ? 'away' : 'available';
			setAvailability(knownAvailability);
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	}

	return html`<button type="button" class=${'btn btn-ghost availability' + (away ? ' is-away' : ' is-available')}
		data-testid="availability-toggle" data-availability=${availability} aria-pressed=${away ? 'true' : 'false'}
		disabled=${busy} onClick=${toggle}
		title=${error ? (error.detail || error.message)
			: away ? 'You are away: new tickets are not routed to you. Click to become available.'
				: 'You are available for new tickets. Click to go away.'}>
		<span class="availability-dot" aria-hidden="true"></span>${away ? 'Away' : 'Available'}</button>`;
}

const KIND_NAMES = { fallback: 'Fallback', triage: 'Triage', amber: 'Amber', red: 'Red' };

function Inbox({ path }) {
	const [items, setItems] = useState(null);
	const [open, setOpen] = useState(false);
	const [error, setError] = useState(null);
	const box = useRef(null);

	const load = useCallback(async () => {
		try {
			const r = await api.get('/notifications');
			setItems((r.data && r.data.data) || []);
			setError(null);
		} catch (e) {
			setError(e);
		}
	}, []);

	useEffect(() => {
		load();
		const t = setInterval(() => {
			if (document.visibilityState === 'visible') load();
		}, 60000);
		return () => clearInterval(t);
	}, [load]);

	// Going to another view closes the list.
	useEffect(() => { setOpen(false); }, [path]);

	// Attached as the list renders (not after the next paint), so a key pressed as soon as the
	// list shows closes it.
	useLayoutEffect(() => {
		if (!open) return undefined;
		const onDown = (e) => { if (box.current && !box.current.contains(e.target)) setOpen(false); };
		const onKey = (e) => { if (e.key === 'Escape') setOpen(false); };
		document.addEventListener('mousedown', onDown);
		document.addEventListener('keydown', onKey);
		return () => {
			document.removeEventListener('mousedown', onDown);
			document.removeEventListener('keydown', onKey);
		};
	}, [open]);

	const count = items ? items.length : 0;
	const toggle = () => {
		if (!open) load();
		setOpen(!open);
	};
	return html`<div class="inbox" ref=${box}>
		<button type="button" class="btn btn-ghost inbox-toggle" data-testid="inbox-toggle" aria-expanded=${open ? 'true' : 'false'}
			aria-label=${'Notifications: ' + count} onClick=${toggle}>
			<span class="inbox-label">Inbox</span>
			<span class=${'inbox-count' + (count ? '' : ' is-zero')} data-testid="inbox-count">${count}</span>
		</button>
		${open && html`<div class="inbox-panel" data-testid="inbox-panel" role="dialog" aria-label="Notifications">
			<h2 class="panel-title">Notifications</h2>
			${error && html`<p class="field-error">${error.detail || error.message}</p>`}
			${items === null ? html`<${Loading} />`
				: items.length === 0 ? html`<p class="muted" data-testid="inbox-empty">Nothing new.</p>`
				: html`<ul class="inbox-list">
					${items.map((n) => html`<li key=${n.id} class=${'inbox-item inbox-' + n.kind} data-testid="inbox-item" data-kind=${n.kind}>
						<span class=${'badge badge-kind-' + n.kind}>${KIND_NAMES[n.kind] || n.kind}</span>
						${n.ticket ? html`<a href=${'#/tickets/' + n.ticket} data-testid="inbox-link">${n.message}</a>`
							: html`<span>${n.message}</span>`}
						<span class="inbox-time"><${Time} iso=${n.created_at} /></span>
					</li>`)}
				</ul>`}
		</div>`}
	</div>`;
}

function NotFound() {
	return html`<section class="panel"><h1>Page not found</h1><p><a href="#/">Back to the queue</a></p></section>`;
}

/* ---------------- queue ---------------- */

/** The waiting queues a new ticket may sit in before someone owns it. */
const QUEUES = [['triage', 'Triage'], ['fallback', 'Fallback']];
const QUEUE_NAMES = Object.fromEntries(QUEUES);

function filtersFrom(params) {
	return {
		status: params.get('status') || '',
		priority: params.get('priority') || '',
		assignee: params.get('assignee') || '',
		queue: QUEUES.some(([k]) => k === params.get('queue')) ? params.get('queue') : '',
		tag: params.get('tag') || '',
		q: params.get('q') || '',
	};
}

function Queue({ params, statuses, staff, user }) {
	const [filters, setFilters] = useState(() => filtersFrom(params));
	const [search, setSearch] = useState(filters.q);
	const [tagText, setTagText] = useState(filters.tag); // applied on Enter or when the field is left
	const [rows, setRows] = useState(null);
	const [shown, setShown] = useState(''); // the filters the rows on screen answer
	const [loading, setLoading] = useState(true);
	const [cursor, setCursor] = useState(null);
	const [error, setError] = useState(null);
	const [loadingMore, setLoadingMore] = useState(false);
	const generation = useRef(0);

	const load = useCallback(async (f) => {
		const gen = ++generation.current;
		setError(null);
		setLoading(true);
		const filterQuery = api.query(f).replace(/^\?/, '');
		try {
			const r = await api.get('/tickets' + api.query({ limit: PAGE_SIZE, ...f }));
			if (gen !== generation.current) return;
			setRows(r.data.data || []);
			setCursor(r.data.next_cursor || null);
			setShown(filterQuery);
			setLoading(false);
		} catch (e) {
			if (gen === generation.current) {
				setError(e);
				setRows([]);
				setCursor(null);
				setShown(filterQuery);
				setLoading(false);
			}
		}
	}, []);

	useEffect(() => {
		replaceQuery('/', filters);
		load(filters);
	}, [filters, load]);

	const setQuery = (text) => setFilters((f) => (f.q === text.trim() ? f : { ...f, q: text.trim() }));

	// Typing in the search box applies after a short pause.
	useEffect(() => {
		if (search === filters.q) return undefined;
		const t = setTimeout(() => setQuery(search), 350);
		return () => clearTimeout(t);
	}, [search, filters.q]);

	async function loadMore() {
		if (!cursor || loadingMore) return;
		const gen = generation.current;
		setLoadingMore(true);
		try {
			const r = await api.get('/tickets' + api.query({ limit: PAGE_SIZE, ...filters, cursor }));
			if (gen === generation.current) {
				setRows((old) => (old || []).concat(r.data.data || []));
				setCursor(r.data.next_cursor || null);
			}
		} catch (e) {
			setError(e);
		} finally {
			setLoadingMore(false);
		}
	}

	const set = (name) => (e) => {
		const value = e.currentTarget.value;
		setFilters((f) => ({ ...f, [name]: value }));
	};
	const onSearchSubmit = (e) => {
		e.preventDefault();
		setQuery(search);
	};

	const otherStaff = staff.filter((s) => s.id !== user.id);
	return html`<section class=${'queue' + (loading ? ' is-loading' : '')} data-testid="queue" aria-busy=${loading ? 'true' : 'false'}
		data-state=${loading ? 'loading' : 'ready'} data-filters=${loading ? '' : shown}>
		<div class="page-head">
			<h1>Queue</h1>
			<button class="btn btn-primary" onClick=${() => navigate('/new')} data-testid="new-ticket-button">New ticket</button>
		</div>
		<form class="filters" onSubmit=${onSearchSubmit} role="search">
			<label class="field field-inline">
				<span>Status</span>
				<select data-testid="filter-status" value=${filters.status} onChange=${set('status')}>
					<option value="">All statuses</option>
					${statuses.map((s) => html`<option key=${s.key} value=${s.key}>${s.name}</option>`)}
				</select>
			</label>
			<label class="field field-inline">
				<span>Priority</span>
				<select data-testid="filter-priority" value=${filters.priority} onChange=${set('priority')}>
					<option value="">Any priority</option>
					${PRIORITIES.map((p) => html`<option key=${p} value=${p}>${capitalize(p)}</option>`)}
				</select>
			</label>
			<label class="field field-inline">
				<span>Assignee</span>
				<select data-testid="filter-assignee" value=${filters.assignee} onChange=${set('assignee')}>
					<option value="">Anyone</option>
					<option value="me">Me</option>
					<option value="none">Unassigned</option>
					${otherStaff.map((s) => html`<option key=${s.id} value=${String(s.id)}>${s.name}</option>`)}
				</select>
			</label>
			<label class="field field-inline">
				<span>Queue</span>
				<select data-testid="filter-queue" value=${filters.queue} onChange=${set('queue')}>
					<option value="">Any queue</option>
					${QUEUES.map(([k, name]) => html`<option key=${k} value=${k}>${name}</option>`)}
				</select>
			</label>
			<label class="field field-inline">
				<span>Tag</span>
				<input type="text" maxlength="40" placeholder="Any tag" data-testid="filter-tag" value=${tagText}
					onInput=${(e) => setTagText(e.currentTarget.value)}
					onChange=${(e) => { const v = e.currentTarget.value.trim().toLowerCase(); setFilters((f) => (f.tag === v ? f : { ...f, tag: v })); }} />
			</label>
			<label class="field field-inline field-grow">
				<span>Subject</span>
				<input type="search" placeholder="Search subjects" data-testid="filter-q" value=${search}
					onInput=${(e) => setSearch(e.currentTarget.value)} />
			</label>
		</form>
		<${ErrorBox} error=${error} testid="queue-error" />
		${rows === null ? html`<${Loading} />` : html`<${QueueTable} rows=${rows} />`}
		${cursor && !loading && html`<div class="load-more">
			<button class="btn" onClick=${loadMore} disabled=${loadingMore} data-testid="load-more">
				${loadingMore ? 'Loading…' : 'Load more'}</button>
		</div>`}
	</section>`;
}

function QueueTable({ rows }) {
	if (rows.length === 0) {
		return html`<p class="empty" data-testid="queue-empty">No tickets match these filters.</p>`;
	}
	return html`<table class="table queue-table" data-testid="queue-table">
		<thead><tr>
			<th class="col-num">#</th><th class="col-lights"><span title="Service levels: response, supplier, communication">Lights</span></th><th>Subject</th><th>Status</th><th>Priority</th>
			<th>Customer</th><th>Assignee</th><th>Updated</th>
		</tr></thead>
		<tbody>
			${rows.map((t) => html`<tr key=${t.number} class="clickable" data-testid="queue-row" data-number=${t.number}
				onClick=${(e) => { if (e.target.tagName !== 'A') navigate('/tickets/' + t.number); }}>
				<td class="col-num" data-testid="queue-number">${t.number}</td>
				<td class="col-lights"><${LightDots} number=${t.number} lights=${t.lights} /></td>
				<td class="col-subject"><a href=${'#/tickets/' + t.number} data-testid="queue-subject">${t.subject}</a>
					${(t.tags || []).map((g) => html` <span key=${g} class="badge badge-tag" data-testid="queue-tag">${g}</span>`)}
					${t.queue && html` <span class=${'badge badge-queue badge-queue-' + t.queue} data-testid="queue-badge"
						title=${'Waiting in the ' + (QUEUE_NAMES[t.queue] || t.queue).toLowerCase() + ' queue'}>${QUEUE_NAMES[t.queue] || t.queue}</span>`}</td>
				<td><${StatusBadge} status=${t.status} testid="queue-status" /></td>
				<td><${PriorityBadge} priority=${t.priority} /></td>
				<td class="col-person" data-testid="queue-customer">${t.customer && t.customer.name}
					${t.company && html`<span class="muted">${t.company.name}</span>`}</td>
				<td class="col-person" data-testid="queue-assignee">${t.assignee ? t.assignee.name : html`<span class="muted">Unassigned</span>`}</td>
				<td class="col-time"><${Time} iso=${t.updated_at} /></td>
			</tr>`)}
		</tbody>
	</table>`;
}

/* ---------------- new ticket ---------------- */

function NewTicket({ flash, pipelines }) {
	const [customers, setCustomers] = useState(null);
	const [categories, setCategories] = useState([]);
	const [form, setForm] = useState({ customer_id: '', subject: '', description: '', priority: 'normal', category: '', pipeline: '' });
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const attempt = useRef(null); // {key, body}: a retry of the same body reuses its key

	useEffect(() => {
		let live = true;
		getAll('/users' + api.query({ role: 'customer' }))
			.then((list) => live && setCustomers(list))
			.catch((e) => { if (live) { setError(e); setCustomers([]); } });
		getAll('/categories').then((list) => live && setCategories(list)).catch(() => {});
		return () => { live = false; };
	}, []);

	const set = (name) => (e) => {
		const value = e.currentTarget.value;
		setForm((f) => ({ ...f, [name]: value }));
	};

	async function submit(ev) {
		ev.preventDefault();
		if (busy) return;
		const body = {
			subject: form.subject,
			description: form.description,
			priority: form.priority,
			customer_id: form.customer_id ? Number(form.customer_id) : null,
		};
		// A category brings its own pipeline; a pipeline chosen here overrides it.
		if (form.category) body.category = form.category;
		if (form.pipeline) body.pipeline = form.pipeline;
		if (body.customer_id === null) {
			setError(new api.ApiError(422, {
				detail: 'Choose the customer this ticket is for.',
				errors: [{ pointer: '/customer_id', code: 'required', message: 'Choose a customer.' }],
			}));
			return;
		}
		const text = JSON.stringify(body);
		if (!attempt.current || attempt.current.body !== text) attempt.current = { key: api.newIdempotencyKey(), body: text };
		setBusy(true);
		setError(null);
		try {
			const r = await api.post('/tickets', body, { headers: { 'Idempotency-Key': attempt.current.key } });
			attempt.current = null;
			if (r.data.visible === false) {
				// Routing gave it to a team you do not work in: created, but not yours to open.
				flash('Ticket #' + r.data.number + ' created and handed to another team.', 'success', '/');
				navigate('/');
				return;
			}
			flash('Ticket #' + r.data.number + ' created.', 'success', '/tickets/' + r.data.number);
			navigate('/tickets/' + r.data.number);
		} catch (e) {
			setError(e);
			setBusy(false);
		}
	}

	const shown = ['/customer_id', '/subject', '/description', '/priority', '/category', '/pipeline'];
	const chosen = categories.find((c) => c.name === form.category);
	const pipelineName = (key) => ((pipelines.list.find((p) => p.key === key) || {}).name || key);
	return html`<section class="panel form-panel">
		<div class="page-head"><h1>New ticket</h1><a href="#/">Cancel</a></div>
		<form onSubmit=${submit} novalidate data-testid="new-ticket-form">
			<label class="field">
				<span>Customer</span>
				<select data-testid="new-ticket-customer" value=${form.customer_id} onChange=${set('customer_id')}
					disabled=${customers === null}>
					<option value="">${customers === null ? 'Loading customers…' : 'Choose a customer'}</option>
					${(customers || []).map((c) => html`<option key=${c.id} value=${String(c.id)}>
						${c.name}${c.company ? ' (' + c.company.name + ')' : ''} — ${c.email}</option>`)}
				</select>
				<${FieldError} error=${error} pointer="/customer_id" />
			</label>
			<label class="field">
				<span>Subject</span>
				<input type="text" maxlength="200" data-testid="new-ticket-subject" value=${form.subject} onInput=${set('subject')} />
				<${FieldError} error=${error} pointer="/subject" />
			</label>
			<label class="field">
				<span>Description</span>
				<textarea rows="8" data-testid="new-ticket-description" value=${form.description} onInput=${set('description')}></textarea>
				<${FieldError} error=${error} pointer="/description" />
			</label>
			<label class="field field-narrow">
				<span>Priority</span>
				<select data-testid="new-ticket-priority" value=${form.priority} onChange=${set('priority')}>
					${PRIORITIES.map((p) => html`<option key=${p} value=${p}>${capitalize(p)}</option>`)}
				</select>
				<${FieldError} error=${error} pointer="/priority" />
			</label>
			${categories.length > 0 && html`<label class="field field-narrow">
				<span>Category</span>
				<select data-testid="new-ticket-category" value=${form.category} onChange=${set('category')}>
					<option value="">No category</option>
					${categories.map((c) => html`<option key=${c.name} value=${c.name}>${c.name}</option>`)}
				</select>
				<${FieldError} error=${error} pointer="/category" />
			</label>`}
			${pipelines.list.length > 1 && html`<label class="field field-narrow">
				<span>Pipeline</span>
				<select data-testid="new-ticket-pipeline" value=${form.pipeline} onChange=${set('pipeline')}>
					<option value="">${chosen ? 'As the category says (' + pipelineName(chosen.pipeline) + ')' : 'Default (' + pipelineName(pipelines.default) + ')'}</option>
					${pipelines.list.map((p) => html`<option key=${p.key} value=${p.key}>${p.name}</option>`)}
				</select>
				<${FieldError} error=${error} pointer="/pipeline" />
			</label>`}
			<${ErrorBox} error=${error} shown=${shown} />
			<div class="form-actions">
				<button type="submit" class="btn btn-primary" disabled=${busy} data-testid="new-ticket-submit">
					${busy ? 'Creating…' : 'Create ticket'}</button>
			</div>
		</form>
	</section>`;
}

/* ---------------- ticket view ---------------- */

function TicketView({ number, statuses, pipelines, staff, user, flash }) {
	const [ticket, setTicket] = useState(null);
	const [etag, setEtag] = useState(null);
	const [notes, setNotes] = useState(null);
	const [timeline, setTimeline] = useState(null);
	const [error, setError] = useState(null);
	const [actionError, setActionError] = useState(null);
	const [busy, setBusy] = useState(false);

	const base = '/tickets/' + number;
	// A ticket of another pipeline moves along that pipeline's statuses.
	const [own, setOwn] = useState(null); // {pipeline, statuses}
	const pipelineKey = ticket ? ticket.pipeline : null;
	useEffect(() => {
		if (!pipelineKey || pipelineKey === pipelines.default) return;
		let live = true;
		api.get('/statuses' + api.query({ pipeline: pipelineKey }))
			.then((r) => live && setOwn({ pipeline: pipelineKey, statuses: r.data.data || [] }))
			.catch((e) => live && setError(e));
		return () => { live = false; };
	}, [pipelineKey, pipelines.default]);
	const shownStatuses = own && own.pipeline === pipelineKey && pipelineKey !== pipelines.default ? own.statuses : statuses;
	const byKey = useMemo(() => Object.fromEntries(shownStatuses.map((s) => [s.key, s])), [shownStatuses]);
	const [target, setTarget] = useState('');
	const [tagText, setTagText] = useState(null); // null: not being edited

	const loadTicket = useCallback(async () => {
		const r = await api.get(base);
		setTicket(r.data);
		setEtag(api.etagOf(r, r.data));
	}, [base]);
	const loadNotes = useCallback(async () => {
		setNotes(await getAll(base + '/notes'));
	}, [base]);
	const loadTimeline = useCallback(async () => {
		setTimeline(await getAll(base + '/timeline'));
	}, [base]);

	const reloadAll = useCallback(async () => {
		try {
			await Promise.all([loadTicket(), loadNotes(), loadTimeline()]);
			setError(null);
		} catch (e) {
			setError(e);
		}
	}, [loadTicket, loadNotes, loadTimeline]);

	useEffect(() => { reloadAll(); }, [reloadAll]);

	// The lights move with time and with supplier requests. A fresh copy of the
	// same version replaces the ticket; of a newer one (changed elsewhere), only
	// its lights are taken, so a later change still meets If-Match's check.
	const refreshLights = useCallback(async () => {
		const r = await api.get(base);
		setTicket((t) => (!t || t.version === r.data.version ? r.data : { ...t, lights: r.data.lights }));
	}, [base]);

	useEffect(() => {
		const t = setInterval(() => {
			if (document.visibilityState === 'visible') refreshLights().catch(() => {});
		}, 60000);
		return () => clearInterval(t);
	}, [refreshLights]);

	const onSupplierChanged = useCallback(() => {
		Promise.all([refreshLights(), loadTimeline()]).catch(() => {});
	}, [refreshLights, loadTimeline]);

	// A change answered with the fresh ticket; the timeline and notes follow.
	// `onInvalid` may take a 422 (returning true when it handled it).
	async function change(send, onInvalid) {
		if (busy) return false;
		setBusy(true);
		setActionError(null);
		try {
			const r = await send();
			if (r.status === 204) {
				// Done, and a rule (or the move) handed the ticket to a team you do not work in.
				flash('Ticket #' + number + ' was changed and handed to another team.', 'success', '/');
				navigate('/');
				return true;
			}
			setTicket(r.data);
			setEtag(api.etagOf(r, r.data));
			await Promise.all([loadTimeline(), loadNotes()]).catch(() => {});
			return true;
		} catch (e) {
			if (e.status === 412) {
				flash('Someone else changed this ticket; reloaded.', 'warning', base);
				await reloadAll();
			} else if (!(e.status === 422 && onInvalid && onInvalid(e))) {
				setActionError(e);
			}
			return false;
		} finally {
			setBusy(false);
		}
	}

	const ifMatch = () => (etag ? { 'If-Match': etag } : {});
	const patchTicket = (fields) => change(() => api.patch(base, fields, { headers: ifMatch() }));
	const movePipeline = (key) => change(() => api.post(base + '/pipeline', { pipeline: key }, { headers: ifMatch() }))
		.then((ok) => { if (ok) setTarget(''); });
	// A status that requires a note asks for one (for the customer) and the move is sent again with it.
	const [noteFor, setNoteFor] = useState(null); // {to, message, error}
	const transition = (to, note) => change(
		() => api.post(base + '/transitions', note === undefined ? { to } : { to, note }, { headers: ifMatch() }),
		(e) => {
			const message = e.fieldError('/note');
			if (!message) return false;
			setNoteFor({ to, message: note === undefined ? null : message });
			return true;
		},
	).then((ok) => { if (ok) setNoteFor(null); });

	async function addNote(body, visibility, override) {
		await api.post(base + '/notes', override ? { body, visibility, override: true } : { body, visibility });
		// A note may move the ticket on (and bumps its version), so reload everything;
		// the composer empties now, before the new note shows (reloadAll reports its own errors).
		reloadAll();
	}

	if (error && !ticket) {
		return html`<section class="panel">
			<p><a href="#/">← Queue</a></p>
			${error.status === 404
				? html`<h1 data-testid="ticket-not-found">Ticket #${number} was not found</h1>`
				: html`<${ErrorBox} error=${error} testid="page-error" />`}
		</section>`;
	}
	if (!ticket) return html`<${Loading} />`;

	const current = byKey[ticket.status.key];
	const moves = (current && current.transitions) || [];
	const assigneeId = ticket.assignee ? String(ticket.assignee.id) : '';
	const staffOptions = staff.slice();
	if (ticket.assignee && !staff.some((s) => s.id === ticket.assignee.id)) staffOptions.push(ticket.assignee);

	return html`<article class="ticket" data-testid="ticket-view" data-number=${ticket.number}>
		<p class="crumbs"><a href="#/" data-testid="back-to-queue">← Queue</a></p>
		<div class="ticket-head">
			<h1><span class="ticket-number" data-testid="ticket-number">#${ticket.number}</span>
				<span data-testid="ticket-subject">${ticket.subject}</span></h1>
			<${StatusBadge} status=${ticket.status} testid="ticket-status" />
		</div>
		<${ErrorBox} error=${actionError} testid="action-error" />
		<div class="ticket-grid">
			<div class="ticket-main">
				<section class="panel">
					<h2 class="panel-title">Description</h2>
					${ticket.description
						? html`<div class="prose" data-testid="ticket-description">${ticket.description}</div>`
						: html`<p class="muted" data-testid="ticket-description">No description.</p>`}
				</section>
				<${SupplierRequests} number=${ticket.number} onChanged=${onSupplierChanged} />
				<section class="panel">
					<h2 class="panel-title">Worknotes</h2>
					${notes === null ? html`<${Loading} />` : html`<${NoteList} notes=${notes} staffView=${true} />`}
					<${Composer} onSubmit=${addNote} />
				</section>
			</div>
			<aside class="ticket-side">
				<section class="panel">
					<h2 class="panel-title">Status</h2>
					<p><${StatusBadge} status=${ticket.status} testid="ticket-status-side" /></p>
					${moves.length > 0 && html`<div class="button-row" data-testid="status-buttons">
						${moves.map((key) => html`<button key=${key} class="btn btn-small" disabled=${busy}
							data-testid=${'status-button-' + key} onClick=${() => transition(key)}>
							${byKey[key] ? byKey[key].name : key}</button>`)}
					</div>`}
					${noteFor && html`<${TransitionNote} key=${noteFor.to} pending=${noteFor} name=${byKey[noteFor.to] ? byKey[noteFor.to].name : noteFor.to}
						busy=${busy} onSubmit=${(note) => transition(noteFor.to, note)} onCancel=${() => setNoteFor(null)} />`}
				</section>
				<${ServiceLevelsCard} lights=${ticket.lights} number=${number} watch=${JSON.stringify(ticket.lights) + '/' + (timeline ? timeline.length : 0)} />
				<section class="panel">
					<h2 class="panel-title">Details</h2>
					<dl class="details">
						<dt>Priority</dt>
						<dd><select data-testid="ticket-priority" value=${ticket.priority} disabled=${busy}
							onChange=${(e) => patchTicket({ priority: e.currentTarget.value })}>
							${PRIORITIES.map((p) => html`<option key=${p} value=${p}>${capitalize(p)}</option>`)}
						</select></dd>
						<dt>Assignee</dt>
						<dd><select data-testid="ticket-assignee" value=${assigneeId} disabled=${busy}
							onChange=${(e) => patchTicket({ assignee_id: e.currentTarget.value ? Number(e.currentTarget.value) : null })}>
							<option value="">Unassigned</option>
							${staffOptions.map((s) => html`<option key=${s.id} value=${String(s.id)}>${s.name}</option>`)}
						</select></dd>
						<dt>Tags</dt>
						<dd data-testid="ticket-tags">
							${tagText === null
								? html`${(ticket.tags || []).length
									? ticket.tags.map((g) => html`<span key=${g} class="badge badge-tag" data-testid="ticket-tag">${g}</span> `)
									: html`<span class="muted">None</span>`}
									<button class="btn btn-small" data-testid="ticket-tags-edit" disabled=${busy}
										onClick=${() => setTagText((ticket.tags || []).join(', '))}>Edit</button>`
								: html`<input type="text" aria-label="Tags, separated by commas" data-testid="ticket-tags-input" value=${tagText}
										onInput=${(e) => setTagText(e.currentTarget.value)} />
									<button class="btn btn-small btn-primary" data-testid="ticket-tags-save" disabled=${busy}
										onClick=${() => patchTicket({ tags: tagText.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean) })
											.then((ok) => { if (ok) setTagText(null); })}>Save</button>`}
						</dd>
						${ticket.team && html`<dt>Team</dt><dd data-testid="ticket-team">${ticket.team.name}</dd>`}
						<dt>Pipeline</dt>
						<dd data-testid="ticket-pipeline">${(pipelines.list.find((p) => p.key === ticket.pipeline) || {}).name || ticket.pipeline}
							${(user.role === 'manager' || user.role === 'admin') && pipelines.list.length > 1 && html`<div class="button-row">
								<select aria-label="Move to pipeline" data-testid="ticket-pipeline-target" value=${target} disabled=${busy}
									onChange=${(e) => setTarget(e.currentTarget.value)}>
									<option value="">Move to…</option>
									${pipelines.list.filter((p) => p.key !== ticket.pipeline).map((p) => html`<option key=${p.key} value=${p.key}>${p.name}</option>`)}
								</select>
								<button class="btn btn-small" data-testid="ticket-pipeline-move" disabled=${busy || !target}
									onClick=${() => movePipeline(target)}>Move</button>
							</div>`}</dd>
						<dt>Customer</dt>
						<dd data-testid="ticket-customer">${ticket.customer && ticket.customer.name}
							${ticket.customer && ticket.customer.email && html`<br /><span class="muted">${ticket.customer.email}</span>`}</dd>
						<dt>Company</dt>
						<dd data-testid="ticket-company">${ticket.company ? ticket.company.name : '—'}</dd>
						<dt>Created</dt>
						<dd><${Time} iso=${ticket.created_at} /></dd>
						<dt>Updated</dt>
						<dd><${Time} iso=${ticket.updated_at} /></dd>
					</dl>
				</section>
				<section class="panel">
					<h2 class="panel-title">Timeline</h2>
					${timeline === null ? html`<${Loading} />` : html`<${Timeline} events=${timeline} byKey=${byKey} />`}
				</section>
			</aside>
		</div>
	</article>`;
}

/** The note a status move requires, asked for inline; it is posted as a public note. */
function TransitionNote({ pending, name, busy, onSubmit, onCancel }) {
	const [note, setNote] = useState('');
	const submit = (ev) => {
		ev.preventDefault();
		if (!busy && note.trim()) onSubmit(note);
	};
	return html`<form class="transition-note" onSubmit=${submit} data-testid="transition-note-form">
		<label class="field">
			<span>Moving to ${name} needs a note for the customer</span>
			<textarea rows="3" data-testid="transition-note" value=${note} onInput=${(e) => setNote(e.currentTarget.value)}
				placeholder="What the customer should know about this change"></textarea>
		</label>
		${pending.message && html`<p class="field-error" data-testid="transition-note-error">${pending.message}</p>`}
		<div class="button-row">
			<button type="submit" class="btn btn-primary btn-small" disabled=${busy || !note.trim()} data-testid="transition-note-submit">
				${busy ? 'Moving…' : 'Move to ' + name}</button>
			<button type="button" class="btn btn-small" onClick=${onCancel} data-testid="transition-note-cancel">Cancel</button>
		</div>
	</form>`;
}

function Composer({ onSubmit }) {
	const [body, setBody] = useState('');
	const [visibility, setVisibility] = useState('internal');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const [override, setOverride] = useState(false);

	async function submit(ev) {
		ev.preventDefault();
		if (busy || !body.trim()) return;
		const overriding = override && isLanguageError(error);
		setBusy(true);
		setError(null);
		try {
			await onSubmit(body, visibility, overriding);
			setBody('');
			setOverride(false);
		} catch (e) {
			setError(e);
			if (!isLanguageError(e)) setOverride(false);
		} finally {
			setBusy(false);
		}
	}

	// A changed text is checked again: an override covers only the words that were shown.
	const onInput = (e) => {
		setBody(e.currentTarget.value);
		setOverride(false);
	};

	const internal = visibility === 'internal';
	const language = isLanguageError(error);
	return html`<form class=${'composer' + (internal ? ' composer-internal' : ' composer-public')} onSubmit=${submit} data-testid="composer">
		<label class="field">
			<span>${internal ? 'Internal note (staff only)' : 'Public reply (the customer sees this)'}</span>
			<textarea rows="4" data-testid="note-body" value=${body} onInput=${onInput}
				placeholder=${internal ? 'Write a note for the team…' : 'Write a reply to the customer…'}></textarea>
		</label>
		${language
			? html`<${LanguageWarning} error=${error} override=${override} onOverride=${setOverride} />`
			: html`<${FieldError} error=${error} pointer="/body" />
				<${ErrorBox} error=${error} shown=${['/body']} testid="note-error" />`}
		<div class="composer-actions">
			<label class="field field-inline">
				<span>Visibility</span>
				<select data-testid="note-visibility" value=${visibility} onChange=${(e) => setVisibility(e.currentTarget.value)}>
					<option value="internal">Internal</option>
					<option value="public">Public</option>
				</select>
			</label>
			<button type="submit" class="btn btn-primary" disabled=${busy || !body.trim()} data-testid="note-submit">
				${busy ? 'Adding…' : language && override ? 'Post anyway' : internal ? 'Add internal note' : 'Send public reply'}</button>
		</div>
	</form>`;
}

/** One line per timeline event, in words. */
export function describeEvent(ev, byKey) {
	const d = ev.data || {};
	const name = (key) => (key && byKey[key] ? byKey[key].name : key || '—');
	switch (ev.kind) {
	case 'created':
		return 'created the ticket';
	case 'status_changed':
		return 'changed the status from ' + name(d.from) + ' to ' + name(d.to);
	case 'pipeline_changed':
		return 'moved the ticket from the ' + d.from_pipeline + ' pipeline (' + d.from + ') to ' + d.to_pipeline + ' (' + name(d.to) + ')';
	case 'assigned':
		if (d.to === null || d.to === undefined) return 'unassigned the ticket';
		return 'assigned the ticket to ' + (d.to_name || '#' + d.to);
	case 'note_added':
		return d.visibility === 'public' ? 'added a public reply' : 'added an internal note';
	case 'supplier_asked':
		return 'asked ' + (d.supplier || 'a supplier') + ' (supplier request)';
	case 'supplier_answered':
		return 'recorded the answer from ' + (d.supplier || 'the supplier');
	case 'light_changed': {
		const level = levelOf(d.level);
		return 'marked ' + (level ? level.label : 'a service level') + ' ' + (d.colour || 'changed');
	}
	case 'lights_recomputed':
		return 'moved the service-level due times after a settings change';
	case 'updated': {
		const fields = Array.isArray(d.fields) ? d.fields : [];
		return fields.length ? 'changed ' + fields.join(', ') : 'updated the ticket';
	}
	default:
		return String(ev.kind || 'changed the ticket').replace(/_/g, ' ');
	}
}

function Timeline({ events, byKey }) {
	if (events.length === 0) return html`<p class="muted">Nothing has happened yet.</p>`;
	return html`<ol class="timeline" data-testid="timeline">
		${events.map((ev) => html`<li key=${ev.id} class="timeline-item" data-testid="timeline-item" data-kind=${ev.kind}>
			<span class="timeline-text"><strong data-testid="timeline-actor">${ev.actor ? ev.actor.name : 'System'}</strong>${' '}
				<span data-testid="timeline-text">${describeEvent(ev, byKey)}</span></span>
			<span class="timeline-time"><${Time} iso=${ev.created_at} /></span>
		</li>`)}
	</ol>`;
}

