#!/usr/bin/env node
// Generate src/policy/numbering_data.c from libphonenumber's metadata as
// published in the npm package libphonenumber-js (metadata.max.json) and
// the ISO 3166-1 names of Debian's iso-codes package.
//
// Usage (never run by the build; the output is committed):
//   npm install --prefix /tmp/lpn libphonenumber-js@1.13.16
//   node scripts/gen-numbering.mjs /tmp/lpn/node_modules/libphonenumber-js \
//        [/usr/share/iso-codes/json/iso_3166-1.json] > src/policy/numbering_data.c
//
// Method (docs/policy.md says more):
// - Patterns are compiled to an NFA over the digits 0-9 (the metadata uses
//   only digits, \d, [..], (?:..), |, ? and {n,m}).
// - Countries sharing a calling code: the code's first region is the
//   "main" one and the fallback. Each other region claims digit prefixes:
//   its leadingDigits when the metadata has them, else the shortest
//   prefixes of numbers matching one of its number-type patterns and no
//   pattern of the main region (for +1: 3-digit area codes only).
//   Longest prefix wins; on a tie the region listed first wins.
// - High-risk prefixes: the premium-rate and shared-cost patterns of each
//   region, reduced to the shortest prefixes after which the pattern no
//   longer depends on which digit comes next (or 8 national digits).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const lpnDir = process.argv[2];
const isoPath = process.argv[3] || '/usr/share/iso-codes/json/iso_3166-1.json';
if (!lpnDir) {
	console.error('usage: gen-numbering.mjs LIBPHONENUMBER_JS_DIR [ISO_3166_1_JSON]');
	process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(lpnDir, 'package.json'), 'utf8'));
const meta = JSON.parse(readFileSync(join(lpnDir, 'metadata.max.json'), 'utf8'));
const iso = JSON.parse(readFileSync(isoPath, 'utf8'))['3166-1'];
let isoVersion = 'unknown';
try {
	const dpkg = readFileSync('/var/lib/dpkg/status', 'utf8');
	const m = dpkg.match(/Package: iso-codes\n(?:.+\n)*?Version: (.+)/);
	if (m) isoVersion = m[1];
} catch (e) { /* not Debian */ }

// ---- regex subset -> NFA -------------------------------------------------
// AST: {t:'alt',a:[...]}, {t:'cat',a:[...]}, {t:'set',m:bitmask},
// {t:'rep',e,min,max}
function parse(src) {
	let i = 0;
	function alt() {
		const a = [cat()];
		while (src[i] === '|') { i++; a.push(cat()); }
		return a.length === 1 ? a[0] : { t: 'alt', a };
	}
	function cat() {
		const a = [];
		while (i < src.length && src[i] !== '|' && src[i] !== ')') a.push(rep());
		return { t: 'cat', a };
	}
	function rep() {
		let e = atom();
		for (;;) {
			if (src[i] === '?') { i++; e = { t: 'rep', e, min: 0, max: 1 }; }
			else if (src[i] === '{') {
				const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(src.slice(i));
				if (!m) throw new Error('bad quantifier in ' + src);
				i += m[0].length;
				const min = +m[1];
				const max = m[2] ? (m[3] === '' ? Infinity : +m[3]) : min;
				e = { t: 'rep', e, min, max };
			} else return e;
		}
	}
	function atom() {
		const c = src[i];
		if (c === '(') {
			i++;
			if (src.startsWith('?:', i)) i += 2;
			const e = alt();
			if (src[i] !== ')') throw new Error('unbalanced ( in ' + src);
			i++;
			return e;
		}
		if (c === '\\') {
			if (src[i + 1] !== 'd') throw new Error('bad escape in ' + src);
			i += 2;
			return { t: 'set', m: 0x3ff };
		}
		if (c === '[') {
			i++;
			let m = 0;
			while (src[i] !== ']') {
				if (i >= src.length) throw new Error('unbalanced [ in ' + src);
				if (src[i] === '\\' && src[i + 1] === 'd') { m |= 0x3ff; i += 2; continue; }
				const lo = digit(src[i]);
				if (src[i + 1] === '-' && src[i + 2] !== ']') {
					const hi = digit(src[i + 2]);
					for (let d = lo; d <= hi; d++) m |= 1 << d;
					i += 3;
				} else { m |= 1 << lo; i++; }
			}
			i++;
			return { t: 'set', m };
		}
		i++;
		return { t: 'set', m: 1 << digit(c) };
	}
	function digit(c) {
		if (!/[0-9]/.test(c)) throw new Error(`unexpected '${c}' in ${src}`);
		return +c;
	}
	const e = alt();
	if (i !== src.length) throw new Error('trailing input in ' + src);
	return e;
}

// NFA: states[i] = {eps:[...], edges:[[mask, to], ...]}; accept = 1.
function compile(src) {
	const states = [];
	const ns = () => { states.push({ eps: [], edges: [] }); return states.length - 1; };
	function build(e, from, to) {
		switch (e.t) {
		case 'set': states[from].edges.push([e.m, to]); break;
		case 'alt': for (const a of e.a) build(a, from, to); break;
		case 'cat': {
			let cur = from;
			e.a.forEach((a, k) => {
				const nx = k === e.a.length - 1 ? to : ns();
				build(a, cur, nx);
				cur = nx;
			});
			if (e.a.length === 0) states[from].eps.push(to);
			break;
		}
		case 'rep': {
			let cur = from;
			for (let k = 0; k < e.min; k++) {
				const nx = ns();
				build(e.e, cur, nx);
				cur = nx;
			}
			if (e.max === Infinity) {
				const loop = ns();
				states[cur].eps.push(loop);
				build(e.e, loop, loop);
				states[loop].eps.push(to);
			} else {
				for (let k = e.min; k < e.max; k++) {
					const nx = ns();
					states[cur].eps.push(to);
					build(e.e, cur, nx);
					cur = nx;
				}
				states[cur].eps.push(to);
			}
			break;
		}
		}
	}
	const start = ns(), accept = ns();
	build(parse(src), start, accept);
	return { states, start, accept };
}

function closure(nfa, set) {
	const out = new Set(set), stack = [...set];
	while (stack.length) {
		for (const t of nfa.states[stack.pop()].eps)
			if (!out.has(t)) { out.add(t); stack.push(t); }
	}
	return [...out].sort((a, b) => a - b);
}
function step(nfa, set, d) {
	const nx = [];
	for (const s of set)
		for (const [m, to] of nfa.states[s].edges)
			if (m & (1 << d)) nx.push(to);
	return closure(nfa, nx);
}
const key = (s) => s.join(',');

// True when, from set, which digit comes next never matters again.
function digitFree(nfa, set) {
	const seen = new Set();
	let cur = set;
	while (cur.length && !seen.has(key(cur))) {
		seen.add(key(cur));
		const n0 = step(nfa, cur, 0), k0 = key(n0);
		for (let d = 1; d < 10; d++)
			if (key(step(nfa, cur, d)) !== k0) return false;
		cur = n0;
	}
	return true;
}

// Shortest prefixes covering a full-match pattern (see header comment).
function typePrefixes(src, maxDepth) {
	const nfa = compile(src), out = [];
	(function dfs(set, pfx) {
		if (!set.length) return;
		if (pfx.length && (pfx.length >= maxDepth || digitFree(nfa, set))) {
			out.push(pfx);
			return;
		}
		for (let d = 0; d < 10; d++) dfs(step(nfa, set, d), pfx + d);
	})(closure(nfa, [nfa.start]), '');
	return out;
}

// Prefixes of a leadingDigits pattern (it matches at the start).
function leadingPrefixes(src) {
	const nfa = compile(src), out = [];
	(function dfs(set, pfx) {
		if (!set.length) return;
		if (set.includes(nfa.accept)) { out.push(pfx); return; }
		if (pfx.length > 12) throw new Error('unbounded leading digits ' + src);
		for (let d = 0; d < 10; d++) dfs(step(nfa, set, d), pfx + d);
	})(closure(nfa, [nfa.start]), '');
	return out;
}

// Drop prefixes that extend another one in the list; sort.
function minimal(list) {
	const s = [...new Set(list)].sort();
	return s.filter((p) => !s.some((q) => q !== p && p.startsWith(q)));
}

// Union of all number-type patterns of a region (what libphonenumber's
// getNumberType() accepts).
function unionOf(c) {
	const ps = [];
	for (let t = 0; t < TYPES.length; t++)
		if (pattern(c, t)) ps.push('(?:' + pattern(c, t) + ')');
	return ps.join('|');
}

// Prefixes of numbers valid for a non-main region r that are valid for no
// type of the main region m (libphonenumber tries the main region first).
// exact: emit only at maxDepth (NANP area codes).
function claimPrefixes(r, m, maxDepth, exact) {
	const out = [];
	(function dfs(rs, ms, pfx) {
		if (!rs.length) return;
		if (!ms.length && pfx.length &&
		    (exact ? pfx.length === maxDepth
			   : digitFree(r, rs) || pfx.length >= maxDepth)) {
			out.push(pfx);
			return;
		}
		if (pfx.length >= maxDepth) return; // main region wins
		for (let d = 0; d < 10; d++)
			dfs(step(r, rs, d), ms.length ? step(m, ms, d) : ms, pfx + d);
	})(closure(r, [r.start]), closure(m, [m.start]), '');
	return out;
}

// ---- continents (UN M49 regions; Americas split at Panama/Colombia:
// Central America and the Caribbean are NORTH_AMERICA) -------------------
const CONTINENTS = {
	AFRICA: 'AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ ' +
		'GW IO KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL ' +
		'SN SO SS ST SZ TA TD TG TN TZ UG YT ZA ZM ZW AC',
	ANTARCTICA: 'AQ BV GS HM TF',
	ASIA: 'AE AF AM AZ BD BH BN BT CN CY GE HK ID IL IN IQ IR JO JP KG KH KP ' +
		'KR KW KZ LA LB LK MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL ' +
		'TM TR TW UZ VN YE',
	EUROPE: 'AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR ' +
		'HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE ' +
		'SI SJ SK SM UA VA XK',
	NORTH_AMERICA: 'AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN ' +
		'HT JM KN KY LC MF MQ MS MX NI PA PM PR SV SX TC TT US VC VG VI',
	OCEANIA: 'AS AU CC CK CX FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK ' +
		'TO TV UM VU WF WS',
	SOUTH_AMERICA: 'AR BO BR CL CO EC FK GF GY PE PY SR UY VE',
};
const CONT_ENUM = ['AFRICA', 'ANTARCTICA', 'ASIA', 'EUROPE', 'NORTH_AMERICA',
	'OCEANIA', 'SOUTH_AMERICA'];
const continentOf = {};
for (const [c, list] of Object.entries(CONTINENTS))
	for (const r of list.split(' ')) continentOf[r] = c;

// Regions libphonenumber has that ISO 3166-1 does not.
const EXTRA_NAMES = {
	AC: 'Ascension Island',
	TA: 'Tristan da Cunha',
	XK: 'Kosovo',
};
const isoName = {};
for (const e of iso) isoName[e.alpha_2] = e.common_name || e.name;

// ---- build ---------------------------------------------------------------
const TYPES = ['fixed_line', 'mobile', 'toll_free', 'premium_rate',
	'personal_number', 'voicemail', 'uan', 'pager', 'voip', 'shared_cost'];
const T_PREMIUM = 3, T_SHARED = 9;
const regions = Object.keys(meta.countries).sort();
const index = Object.fromEntries(regions.map((r, i) => [r, i]));
const countries = regions.map((r) => {
	const c = meta.countries[r];
	const cc = c[0];
	const list = meta.country_calling_codes[cc];
	const name = isoName[r] || EXTRA_NAMES[r];
	if (!name) throw new Error('no name for ' + r);
	if (!continentOf[r]) throw new Error('no continent for ' + r);
	let lengths = 0;
	for (const l of c[3]) lengths |= 1 << l;
	return { iso: r, name, cc: +cc, main: list[0] === r, lengths,
		continent: continentOf[r], meta: c, list };
});

const pattern = (c, t) => (c.meta[11] && c.meta[11][t] ? c.meta[11][t][0] : '');

// prefix table: country codes, then shared-code regions
const prefixMap = new Map(); // digits -> region index or -1
for (const cc of Object.keys(meta.country_calling_codes)) {
	const list = meta.country_calling_codes[cc];
	prefixMap.set(cc, list[0] === '001' ? -1 : index[list[0]]);
}
for (const cc of Object.keys(meta.nonGeographic || {}))
	prefixMap.set(cc, -1); // +800, +882, ...: assigned, no country
for (const cc of Object.keys(meta.country_calling_codes)) {
	const list = meta.country_calling_codes[cc];
	if (list.length < 2) continue;
	const mainC = countries[index[list[0]]];
	const mainNfa = compile(unionOf(mainC));
	for (const r of list.slice(1)) {
		const c = countries[index[r]];
		let pfx;
		if (c.meta[10])
			pfx = leadingPrefixes(c.meta[10]);
		else
			pfx = claimPrefixes(compile(unionOf(c)), mainNfa,
					    cc === '1' ? 3 : 8, cc === '1');
		for (const p of minimal(pfx)) {
			if (!p) throw new Error('empty prefix for ' + r);
			if (!prefixMap.has(cc + p)) prefixMap.set(cc + p, index[r]);
		}
	}
}
const prefixes = [...prefixMap.entries()].sort((a, b) =>
	a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

// high-risk prefixes per country (E.164 digits), and the global set
const hrByCountry = countries.map((c) => {
	const out = [];
	for (const t of [T_PREMIUM, T_SHARED]) {
		const p = pattern(c, t);
		if (!p) continue;
		out.push(...typePrefixes(p, 8).map((x) => c.cc + x));
	}
	return minimal(out);
});
const hrAll = minimal(hrByCountry.flat());

// ---- emit C --------------------------------------------------------------
const lines = [];
const w = (s) => lines.push(s);
const q = (s) => JSON.stringify(s); // names are plain ASCII/UTF-8, no escapes needed beyond JSON's
w('/* Numbering plan tables for numbering.c.');
w(' *');
w(' * GENERATED by scripts/gen-numbering.mjs, do not edit.');
w(` * Source: libphonenumber metadata from the npm package libphonenumber-js`);
w(` * ${pkg.version} (metadata.max.json, format v${meta.version}; MIT, data from`);
w(' * Google libphonenumber, Apache-2.0); country names from Debian iso-codes');
w(` * ${isoVersion} (iso_3166-1.json, common_name or name; LGPL-2.1+ data);`);
w(' * continents from the UN M49 table in the generator. See docs/policy.md.');
w(' */');
w('#include "policy/numbering_int.h"');
w('');
w(`const char numbering_data_source[] =`);
w(`\t"libphonenumber-js ${pkg.version} metadata.max.json; iso-codes ${isoVersion}";`);
w('');
w(`const struct numbering_country numbering_countries[] = {`);
for (const c of countries) {
	w(`\t{.iso = "${c.iso}", .cc = ${c.cc},`);
	w(`\t .name = ${q(c.name)},`);
	w(`\t .continent = NUMBERING_${c.continent}, .main = ${c.main},`);
	w(`\t .lengths = 0x${c.lengths.toString(16)}},`);
}
w('};');
w(`const size_t numbering_country_n = ${countries.length};`);
w('');
w('/* Digit prefix (country code + leading national digits) -> country');
w(' * index (NUMBERING_NONE: non-geographic), sorted by digits. */');
w('const struct numbering_prefix numbering_prefixes[] = {');
for (const [d, i] of prefixes)
	w(`\t{"${d}", ${i < 0 ? 'NUMBERING_NONE' : i}},`);
w('};');
w(`const size_t numbering_prefix_n = ${prefixes.length};`);
w('');
w('/* High-risk prefixes, sorted, none a prefix of another. */');
w('const char *const numbering_hr_all[] = {');
for (let k = 0; k < hrAll.length; k += 6)
	w('\t' + hrAll.slice(k, k + 6).map(q).join(', ') + ',');
w('};');
w(`const size_t numbering_hr_all_n = ${hrAll.length};`);
w('');
w('/* High-risk prefixes per country: numbering_hr_country[i] .. [i + 1]');
w(' * index numbering_hr_list. */');
const flat = [];
const starts = [];
for (const l of hrByCountry) { starts.push(flat.length); flat.push(...l); }
starts.push(flat.length);
w('const char *const numbering_hr_list[] = {');
for (let k = 0; k < flat.length; k += 6)
	w('\t' + flat.slice(k, k + 6).map(q).join(', ') + ',');
w('};');
w('const uint16_t numbering_hr_country[] = {');
for (let k = 0; k < starts.length; k += 10)
	w('\t' + starts.slice(k, k + 10).join(', ') + ',');
w('};');
process.stdout.write(lines.join('\n') + '\n');
