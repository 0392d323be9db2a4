import { parse, type DefaultTreeAdapterTypes as T } from 'parse5';
import { parseHttpUrl } from './url.js';

export type PageLink = {
  /** The href resolved against the document's base URL; null when not an http(s) URL. */
  url: string | null;
  /** Visible text, whitespace collapsed and trimmed; the alt text for an image-only link. */
  text: string;
  /** `rel` tokens, lower-cased. */
  rel: string[];
};

export type PageContent = {
  links: PageLink[];
  /** Every `<meta name="robots">` and `<meta name="googlebot">`, name lower-cased. */
  robotsMeta: { name: string; content: string }[];
};

// Not rendered: their text is no anchor, their links no links.
const HIDDEN = new Set(['script', 'style', 'template']);

/** Parses an HTML page (WHATWG algorithm, as a browser would) and collects what a link check needs. */
export function readPage(html: string, pageUrl: string): PageContent {
  const document = parse(html);
  const elements = [...walk(document)];

  // The first <base href> wins; a relative one is itself resolved against the page URL.
  const baseHref = elements.find((el) => el.tagName === 'base' && attribute(el, 'href') !== null);
  const base = (baseHref && parseHttpUrl(attribute(baseHref, 'href')!, pageUrl)) || pageUrl;

  const links = elements
    .filter((el) => el.tagName === 'a' && attribute(el, 'href') !== null)
    .map((el) => ({
      url: parseHttpUrl(attribute(el, 'href')!, base)?.href ?? null,
      text: anchorText(el),
      rel: (attribute(el, 'rel') ?? '')
        .toLowerCase()
        .split(/[\t\n\f\r ]+/)
        .filter(Boolean),
    }));

  const robotsMeta = elements
    .filter((el) => el.tagName === 'meta')
    .map((el) => ({ name: (attribute(el, 'name') ?? '').trim().toLowerCase(), content: attribute(el, 'content') ?? '' }))
    .filter((meta) => meta.name === 'robots' || meta.name === 'googlebot');

  return { links, robotsMeta };
}

/** Collapses whitespace (including no-break spaces) and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
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
