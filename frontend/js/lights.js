// Traffic lights for staff: the three service levels of a ticket (dots in
// the queue, a card in the ticket view) and the board in the desk's header,
// polled with If-None-Match so an unchanged board costs a 304.

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import * as api from './api.js';
import { html, Time, formatTime, capitalize } from './ui.js';

/** The three levels, in order, with the names people read. */
export const LEVELS = [
	{ level: 1, key: 'response', label: 'Response to the customer' },
	{ level: 2, key: 'supplier', label: 'Supplier response to us' },
	{ level: 3, key: 'communication', label: 'Communication with the customer' },
];

const COLOURS = ['off', 'green', 'amber', 'red'];
const POLL_MS = 20000;

/** The level named by its number (1..3) or key ("response"), or null. */
export function levelOf(id) {
	return LEVELS.find((l) => l.level === Number(id) || l.key === id) || null;
}

function colourOf(state) {
	const c = state && state.colour;
	return COLOURS.includes(c) ? c : 'off';
}

function isPaused(state) {
	return colourOf(state) !== 'off' && state.running === false;
}

/** One sentence on one level of one ticket: its colour and what is due when. */
export function describeLight(level, state) {
	const colour = colourOf(state);
	const name = level.label + ': ' + capitalize(colour);
	if (colour === 'off') return name + ' (no clock running)';
	if (isPaused(state)) return name + ', clock paused';
	const at = (iso) => (iso ? formatTime(iso) : '?');
	if (colour === 'green') return name + ', turns amber ' + at(state.amber_at) + ', red ' + at(state.red_at);
	if (colour === 'amber') return name + ', turns red ' + at(state.red_at);
	return name + ' since ' + at(state.red_at);
}

function dotClass(state) {
	return 'light light-' + colourOf(state) + (isPaused(state) ? ' light-paused' : '');
}

/** The three dots of a queue row. */
export function LightDots({ number, lights }) {
	const l = lights || {};
	return html`<span class="lights" data-testid=${'lights-' + number}
		data-response=${colourOf(l.response)} data-supplier=${colourOf(l.supplier)} data-communication=${colourOf(l.communication)}>
		${LEVELS.map((lv) => {
			const text = describeLight(lv, l[lv.key]);
			return html`<span key=${lv.key} class=${dotClass(l[lv.key])} role="img" aria-label=${text} title=${text}></span>`;
		})}
	</span>`;
}

/** The current time, refreshed every `ms` so "turns"/"turned" stays right. */
function useNow(ms) {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		const t = setInterval(() => setNow(Date.now()), ms);
		return () => clearInterval(t);
	}, [ms]);
	return now;
}

function DueRow({ iso, colour, now, testid }) {
	const past = iso && Date.parse(iso) <= now;
	return html`<dt>${iso ? (past ? 'Turned ' : 'Turns ') + colour : capitalize(colour)}</dt>
		<dd data-testid=${testid}>${iso ? html`<${Time} iso=${iso} />` : html`<span class="muted">—</span>`}</dd>`;
}

const WHAT = {
	started: 'Clock started',
	restarted: 'New cycle started',
	paused: 'Clock paused',
	resumed: 'Clock resumed',
	amber: 'Turned amber',
	red: 'Turned red',
	back_to_green: 'Back to green',
	back_to_amber: 'Back to amber',
	stopped: 'Clock stopped',
	rescheduled: 'Due times moved',
};

const CAUSE = {
	created: 'the ticket was raised',
	note_added: 'a note',
	status_changed: 'a status move',
	supplier_asked: 'a supplier request',
	supplier_answered: 'a supplier answer',
	updated: 'an edit of the ticket',
	assigned: 'an assignment',
	queued: 'queueing',
	lights_recomputed: 'a change of the service-level settings',
};

/**
 * Each clock's history, told from the ticket's timeline by the server: fetched
 * again whenever `watch` (the lights and the timeline's length) changes.
 */
function useClockHistory(number, watch) {
	const [data, setData] = useState(null);
	useEffect(() => {
		if (!number) return undefined;
		let live = true;
		api.get('/tickets/' + number + '/lights').then((r) => { if (live) setData(r.data); }).catch(() => {});
		return () => { live = false; };
	}, [number, watch]);
	return data;
}

function ClockHistory({ id, entries }) {
	if (!entries || entries.length === 0) return null;
	return html`<details class="sl-history" data-testid=${id + '-history'}>
		<summary>Clock history (${entries.length})</summary>
		<ol class="sl-history-list">
			${entries.map((h, i) => html`<li key=${i} data-testid="clock-entry" data-what=${h.what} data-event=${h.event.id}>
				<span class=${'sl-what sl-what-' + h.what}>${WHAT[h.what] || h.what}</span>${' '}
				<${Time} iso=${h.at} />
				<span class="muted"> — ${h.what === 'amber' || h.what === 'red' ? 'due as set by ' : 'because of '}${CAUSE[h.event.kind] || h.event.kind} (timeline #${h.event.id})${h.recorded ? '; recorded on the timeline' : ''}</span>
			</li>`)}
		</ol>
	</details>`;
}

/** The ticket view's card: per level the colour, the clock and the due instants. */
export function ServiceLevelsCard({ lights, number, watch }) {
	const now = useNow(30000);
	const l = lights || {};
	const story = useClockHistory(number, watch);
	return html`<section class="panel" data-testid="service-levels">
		<h2 class="panel-title">Service levels</h2>
		<ul class="sl-list">
			${LEVELS.map((lv) => {
				const s = l[lv.key] || {};
				const colour = colourOf(s);
				const id = 'sl-' + lv.key;
				const clock = colour === 'off' ? 'Not running' : s.running ? 'Running' : 'Paused';
				return html`<li key=${lv.key} class=${'sl-item sl-item-' + colour} data-testid=${id}
					data-colour=${colour} data-running=${s.running ? 'true' : 'false'}>
					<div class="sl-head">
						<span class=${dotClass(s)} aria-hidden="true"></span>
						<span class="sl-name"><span class="sl-level">${lv.level}</span> ${lv.label}</span>
						<span class=${'sl-colour sl-colour-' + colour} data-testid=${id + '-colour'}>${capitalize(colour)}</span>
					</div>
					<dl class="sl-times">
						<dt>Clock</dt>
						<dd data-testid=${id + '-clock'} class=${'sl-clock sl-clock-' + clock.toLowerCase().replace(' ', '-')}>${clock}</dd>
						${colour !== 'off' && html`
							<dt>Cycle started</dt>
							<dd data-testid=${id + '-started'}>${s.started_at ? html`<${Time} iso=${s.started_at} />` : html`<span class="muted">—</span>`}</dd>
							<${DueRow} iso=${s.amber_at} colour="amber" now=${now} testid=${id + '-amber'} />
							<${DueRow} iso=${s.red_at} colour="red" now=${now} testid=${id + '-red'} />`}
					</dl>
					${colour !== 'off' && !s.running && html`<p class="sl-note muted">Due times resume when the clock runs again.</p>`}
					${story && html`<${ClockHistory} id=${id} entries=${story.history[lv.key]} />`}
				</li>`;
			})}
		</ul>
		${story && html`<p class="sl-replay muted" data-testid="sl-replay" data-consistent=${story.replay.consistent ? 'true' : 'false'}>
			${story.replay.consistent
				? 'Replayed from the timeline: the same due times.'
				: story.replay.complete
					? 'Replayed from the timeline, these differ: ' + story.replay.mismatched.join(', ') + '.'
					: 'Part of this ticket\'s history predates the clocks\' record; it cannot be replayed.'}
		</p>`}
	</section>`;
}

/* ---------------- the board ---------------- */

function redByLevel(board) {
	const out = {};
	for (const lv of LEVELS) out[lv.level] = 0;
	for (const row of (board && board.levels) || []) {
		if (row && out[row.level] !== undefined) out[row.level] = Number(row.red) || 0;
	}
	return out;
}

function count(board, level, colour) {
	const row = ((board && board.levels) || []).find((r) => r && r.level === level);
	const n = row ? Number(row[colour]) : NaN;
	return Number.isFinite(n) ? n : 0;
}

/**
 * The board's data, polled every 20 s (and at once when the tab comes back
 * into view). A 304 keeps what is shown. `alert` is set when a level's red
 * count went up since the previous answer, until `acknowledge` is called.
 */
function useBoard() {
	const [board, setBoard] = useState(null);
	const [error, setError] = useState(null);
	const [alert, setAlert] = useState(null); // {text, seq}
	const etag = useRef(null);
	const lastRed = useRef(null);
	const pollRef = useRef(() => {});

	useEffect(() => {
		let live = true;
		let timer = null;
		let inFlight = false;

		async function poll() {
			if (inFlight || !live) return;
			inFlight = true;
			clearTimeout(timer);
			try {
				const headers = etag.current ? { 'If-None-Match': etag.current } : {};
				const r = await api.get('/board', { headers });
				if (!live) return;
				if (r.status !== 304 && r.data) {
					etag.current = r.headers.get('ETag');
					const reds = redByLevel(r.data);
					const before = lastRed.current;
					if (before) {
						const risen = LEVELS.filter((lv) => reds[lv.level] > before[lv.level]);
						if (risen.length > 0) {
							const parts = risen.map((lv) => lv.label + ' now ' + reds[lv.level] + ' (was ' + before[lv.level] + ')');
							setAlert((a) => ({ text: 'More red lights: ' + parts.join('; ') + '.', seq: ((a && a.seq) || 0) + 1 }));
						}
					}
					lastRed.current = reds;
					setBoard(r.data);
				}
				setError(null);
			} catch (e) {
				if (live) setError(e);
			} finally {
				inFlight = false;
				if (live) timer = setTimeout(poll, POLL_MS);
			}
		}

		pollRef.current = poll;
		poll();
		const onVisible = () => { if (document.visibilityState === 'visible') poll(); };
		document.addEventListener('visibilitychange', onVisible);
		return () => {
			live = false;
			clearTimeout(timer);
			document.removeEventListener('visibilitychange', onVisible);
			pollRef.current = () => {};
		};
	}, []);

	const refresh = useCallback(() => pollRef.current(), []);
	const acknowledge = useCallback(() => setAlert(null), []);
	return { board, error, alert, refresh, acknowledge };
}

/** The header's button (with the red total) and its pop-up panel. */
export function Board({ path }) {
	const { board, error, alert, refresh, acknowledge } = useBoard();
	const [open, setOpen] = useState(false);
	const root = useRef(null);
	const toggle = useRef(null);

	const close = useCallback((focusToggle) => {
		setOpen(false);
		acknowledge();
		if (focusToggle && toggle.current) toggle.current.focus();
	}, [acknowledge]);

	// Going to another view closes the panel.
	useEffect(() => { setOpen(false); }, [path]);

	// Attached as the panel renders (not after the next paint), so a key pressed as soon as the
	// panel shows closes it.
	useLayoutEffect(() => {
		if (!open) return undefined;
		const onPointer = (e) => { if (root.current && !root.current.contains(e.target)) close(false); };
		const onKey = (e) => { if (e.key === 'Escape') close(true); };
		document.addEventListener('pointerdown', onPointer);
		document.addEventListener('keydown', onKey);
		return () => {
			document.removeEventListener('pointerdown', onPointer);
			document.removeEventListener('keydown', onKey);
		};
	}, [open, close]);

	const onToggle = () => {
		if (open) {
			close(false);
		} else {
			setOpen(true);
			refresh();
		}
	};

	const reds = redByLevel(board);
	const total = LEVELS.reduce((n, lv) => n + reds[lv.level], 0);
	const badgeClass = 'board-badge' + (board && total > 0 ? ' board-badge-red' : '') + (alert ? ' board-badge-alert' : '');
	return html`<div class="board" ref=${root}>
		<button type="button" class="board-toggle" ref=${toggle} data-testid="board-toggle" aria-expanded=${open ? 'true' : 'false'}
			aria-controls="board-panel" title=${board ? 'Red lights: ' + total + '. Show the service levels board.' : 'Service levels board'} data-red=${board ? String(total) : ''} data-alert=${alert ? 'true' : 'false'} onClick=${onToggle}>
			<span class="board-toggle-label">Lights</span>
			<span class=${badgeClass} data-testid="board-red-total">${board ? total : '…'}</span>
			<span class="sr-only">${board ? (total === 1 ? ' red light' : ' red lights') : ''}</span>
			${error && html`<span class="board-stale" title="The board could not be refreshed">!</span>`}
		</button>
		<p class="sr-only" aria-live="polite" data-testid="board-announce">${alert ? alert.text : ''}</p>
		${open && html`<${BoardPanel} board=${board} error=${error} alert=${alert} onNavigate=${() => close(false)} />`}
	</div>`;
}

/** Per team the red / amber / green counts of each level, as "red·amber·green" cells. */
function TeamGrid({ teams }) {
	return html`<h3 class="board-sub">By team</h3>
		<table class="board-grid board-teams" data-testid="board-teams">
			<thead><tr><th scope="col">Team</th>
				${LEVELS.map((lv) => html`<th key=${lv.level} scope="col" class="num" title=${lv.label}>Level ${lv.level}<span class="sr-only">: red, amber, green</span></th>`)}
			</tr></thead>
			<tbody>
				${teams.map((t) => html`<tr key=${t.id} data-testid="board-team" data-team=${t.name}>
					<th scope="row">${t.name}</th>
					${LEVELS.map((lv) => html`<td key=${lv.level} class="num board-team-cell">
						${['red', 'amber', 'green'].map((c) => {
							const n = count(t, lv.level, c);
							return html`<span key=${c} class=${'board-count board-count-' + c + (n > 0 ? ' is-set' : '')}
								title=${capitalize(c) + ': ' + n} data-testid=${'board-team-' + c + '-' + lv.level}>${n}</span>`;
						})}
					</td>`)}
				</tr>`)}
			</tbody>
		</table>`;
}

function BoardPanel({ board, error, alert, onNavigate }) {
	const worst = (board && board.worst) || [];
	return html`<section class="board-panel" id="board-panel" data-testid="board-panel" aria-label="Service levels board">
		<div class="board-panel-head">
			<h2>Service levels</h2>
			${board && board.as_of && html`<span class="muted board-as-of" data-testid="board-as-of">as of <${Time} iso=${board.as_of} /></span>`}
		</div>
		${alert && html`<p class="alert alert-error board-alert" data-testid="board-alert">${alert.text}</p>`}
		${error && html`<p class="alert alert-warning board-error" role="status" data-testid="board-error">
			The board could not be refreshed${board ? '; showing the last answer' : ''}. ${error.detail || error.message}</p>`}
		${!board && !error && html`<p class="loading">Loading…</p>`}
		${board && html`<table class="board-grid" data-testid="board-grid">
			<thead><tr><th scope="col">Level</th><th scope="col" class="num">Red</th><th scope="col" class="num">Amber</th><th scope="col" class="num">Green</th></tr></thead>
			<tbody>
				${LEVELS.map((lv) => html`<tr key=${lv.level}>
					<th scope="row"><span class="sl-level">${lv.level}</span> ${lv.label}</th>
					${['red', 'amber', 'green'].map((c) => {
						const n = count(board, lv.level, c);
						return html`<td key=${c} class=${'num board-count board-count-' + c + (n > 0 ? ' is-set' : '')}
							data-testid=${'board-' + c + '-' + lv.level}>${n}</td>`;
					})}
				</tr>`)}
			</tbody>
		</table>`}
		${board && Array.isArray(board.teams) && board.teams.length > 0 && html`<${TeamGrid} teams=${board.teams} />`}
		${board && html`<h3 class="board-sub">Longest red</h3>`}
		${board && (worst.length === 0
			? html`<p class="muted board-none" data-testid="board-worst-empty">No ticket is red.</p>`
			: html`<ol class="board-worst">
				${worst.map((w) => {
					const lv = levelOf(w.level);
					const who = w.assignee && typeof w.assignee === 'object' ? w.assignee.name : w.assignee;
					return html`<li key=${w.number + '-' + w.level} data-testid="board-worst-item" data-number=${w.number} data-level=${w.level}>
						<a href=${'#/tickets/' + w.number} onClick=${onNavigate}>
							<span class="board-worst-num">#${w.number}</span> <span class="board-worst-subject">${w.subject}</span></a>
						<span class="board-worst-meta">${lv ? lv.label : 'Level ' + w.level} · red since <${Time} iso=${w.red_since} /> ·
							${who ? ' ' + who : ' Unassigned'}</span>
					</li>`;
				})}
			</ol>`)}
	</section>`;
}
