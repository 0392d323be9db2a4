import { parse, type DefaultTreeAdapterTypes as T } from 'parse5';
import { parseHttpUrl } from './url.js';

export type PageLink = {
  /** The href resolved against the document's base URL; null when not an http(s) URL. */
  url: string | null;
  /** The href attribute as written. */
  href: string;
  /** Visible text, whitespace collapsed and trimmed; the alt text for an image-only link. */
  text: string;
  /** `rel` tokens, lower-cased. */
  rel: string[];
  /** Inside the comments of the page (WordPress's `#comments`, `.comment-list`, `.wp-block-comments`…). */
  inComment: boolean;
  /** Where the link's text starts and ends in `PageContent.text`. */
  start: number;
  end: number;
};

export type PageContent = {
  links: PageLink[];
  /**
   * Robots meta tags: `<meta name="robots">`, `<meta name="googlebot">` and those of other
   * crawlers (`bingbot`…), name lower-cased.
   */
  robotsMeta: { name: string; content: string }[];
  /** The first `<link rel="canonical">`, resolved; null when none (or not an http(s) URL). */
  canonical: string | null;
  title: string | null;
  /** The page has an `<input type="password">`: a sign-in page, or a password-protected article. */
  hasPasswordInput: boolean;
  /** The visible text of the body, whitespace collapsed. */
  text: string;
  /** Where the main content (`<main>`, else `<article>`) starts in `text`; 0 when neither. */
  contentStart: number;
};

// Not rendered: their text is no anchor, their links no links.
const HIDDEN = new Set(['script', 'style', 'template', 'noscript']);

// Elements whose boundaries separate words in the visible text.
const BLOCKS = new Set(
  (
    'address article aside blockquote br dd details div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 ' +
    'header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul option select button label'
  ).split(' '),
);

// Meta names of crawlers, kept as evidence (only robots and googlebot count for Google).
const CRAWLER_META = /^(robots|googlebot(-news)?|bingbot|msnbot|slurp|yandex|baiduspider|duckduckbot|[a-z0-9-]*bot)$/;

// Comment sections as WordPress themes and blocks mark them.
const COMMENT_MARK = /^(?:(?:wp-block-)?comments?(?:[-_][a-z0-9_-]*)?|commentlist|div-comment-\d+|respond)$/;

/** Parses an HTML page (WHATWG algorithm, as a browser would) and collects what a link check needs. */
export function readPage(html: string, pageUrl: string): PageContent {
  const document = parse(html);
  const elements = [...walk(document)];

  // The first <base href> wins; a relative one is itself resolved against the page URL.
  const baseHref = elements.find((el) => el.tagName === 'base' && attribute(el, 'href') !== null);
  const base = (baseHref && parseHttpUrl(attribute(baseHref, 'href')!, pageUrl)) || pageUrl;

  const robotsMeta = elements
    .filter((el) => el.tagName === 'meta')
    .map((el) => ({ name: (attribute(el, 'name') ?? '').trim().toLowerCase(), content: attribute(el, 'content') ?? '' }))
    .filter((meta) => CRAWLER_META.test(meta.name));

  const canonicalLink = elements.find(
    (el) => el.tagName === 'link' && tokens(attribute(el, 'rel')).includes('canonical') && attribute(el, 'href'),
  );
  const canonical = canonicalLink ? (parseHttpUrl(attribute(canonicalLink, 'href')!, base)?.href ?? null) : null;

  const titleElement = elements.find((el) => el.tagName === 'title');
  const title = titleElement ? collapseWhitespace(textContent(titleElement)) || null : null;

  const hasPasswordInput = elements.some(
    (el) => el.tagName === 'input' && (attribute(el, 'type') ?? '').trim().toLowerCase() === 'password',
  );

  // The visible text, and where each link sits in it.
  const text = new TextBuilder();
  const links: PageLink[] = [];
  let contentStart: number | null = null;
  let articleStart: number | null = null;
  const visit = (node: T.ParentNode, inComment: boolean): void => {
    for (const child of node.childNodes) {
      if (child.nodeName === '#text') {
        text.add((child as T.TextNode).value);
        continue;
      }
      if (!('tagName' in child) || HIDDEN.has(child.tagName) || child.tagName === 'head') continue;
      const commented = inComment || (child.tagName !== 'body' && child.tagName !== 'html' && isCommentSection(child));
      if (child.tagName === 'main' && contentStart === null) contentStart = text.length;
      if (child.tagName === 'article' && articleStart === null) articleStart = text.length;
      const block = BLOCKS.has(child.tagName);
      if (block) text.separate();
      const href = child.tagName === 'a' ? attribute(child, 'href') : null;
      const start = text.length;
      visit(child, commented);
      if (href !== null) {
        const anchor = anchorText(child);
        if (text.length === start && anchor) text.add(anchor); // an image link: its alt text
        links.push({
          url: parseHttpUrl(href, base)?.href ?? null,
          href,
          text: anchor,
          rel: tokens(attribute(child, 'rel')),
          inComment: commented,
          start,
          end: text.length,
        });
      }
      if (block) text.separate();
    }
  };
  visit(document, false);

  return {
    links,
    robotsMeta,
    canonical,
    title,
    hasPasswordInput,
    text: text.value,
    contentStart: contentStart ?? articleStart ?? 0,
  };
}

/** Up to about `max` characters of `text` around [start, end), cut at word boundaries, … where cut. */
export function excerptAround(text: string, start: number, end: number, max = 300): string {
  const room = Math.max(0, max - (end - start));
  let from = Math.max(0, start - Math.ceil(room / 2));
  let to = Math.min(text.length, end + Math.floor(room / 2));
  // Give the unused room of one side to the other.
  if (from === 0) to = Math.min(text.length, Math.max(to, max));
  if (to === text.length) from = Math.max(0, Math.min(from, text.length - max));
  if (from > 0) {
    const space = text.indexOf(' ', from);
    if (space !== -1 && space < start) from = space + 1;
  }
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    if (space > end) to = space;
  }
  const piece = text.slice(from, to).trim();
  return `${from > 0 ? '…' : ''}${piece}${to < text.length ? '…' : ''}`;
}

/** The first `max` characters or so of `text` from `start`, cut at a word boundary, … where cut. */
export function excerptFrom(text: string, start: number, max = 300): string {
  const rest = text.slice(start).trim();
  if (rest.length <= max) return rest;
  const space = rest.lastIndexOf(' ', max);
  return `${rest.slice(0, space > max / 2 ? space : max).trim()}…`;
}

/** Collapses whitespace (including no-break spaces) and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Builds visible text with whitespace collapsed as it goes, so that offsets stay valid. */
class TextBuilder {
  value = '';

  get length(): number {
    return this.value.length;
  }

  add(raw: string): void {
    let chunk = raw.replace(/\s+/g, ' ');
    if (chunk.startsWith(' ') && (this.value === '' || this.value.endsWith(' '))) chunk = chunk.slice(1);
    this.value += chunk;
  }

  /** A word boundary (between blocks). */
  separate(): void {
    if (this.value !== '' && !this.value.endsWith(' ')) this.value += ' ';
  }
}

function isCommentSection(element: T.Element): boolean {
  const marks = [attribute(element, 'id') ?? '', ...tokens(attribute(element, 'class'))];
  return marks.some((mark) => COMMENT_MARK.test(mark.toLowerCase()));
}

function tokens(value: string | null): string[] {
  return (value ?? '')
    .toLowerCase()
    .split(/[\t\n\f\r ]+/)
    .filter(Boolean);
}

function anchorText(link: T.Element): string {
  const text = collapseWhitespace(textContent(link));
  if (text !== '') return text;
  const alts = [...walk(link)].filter((el) => el.tagName === 'img').map((img) => attribute(img, 'alt') ?? '');
  return collapseWhitespace(alts.join(' '));
}

function textContent(node: T.ParentNode): string {
  let text = '';
  for (const child of node.childNodes) {
    if (child.nodeName === '#text') text += (child as T.TextNode).value;
    else if ('tagName' in child && !HIDDEN.has(child.tagName)) text += textContent(child);
  }
  return text;
}

/** Elements in document order, not entering hidden ones. */
function* walk(node: T.ParentNode): Generator<T.Element> {
  for (const child of node.childNodes) {
    if (!('tagName' in child)) continue;
    yield child;
    if (!HIDDEN.has(child.tagName)) yield* walk(child);
  }
}

function attribute(element: T.Element, name: string): string | null {
  return element.attrs.find((attr) => attr.name === name && !attr.namespace)?.value ?? null;
}
