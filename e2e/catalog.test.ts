// The catalog that explains itself (issue 12), in French: a buyer searches « recettes », sees the
// number of articles found, one row per article with its matched keywords, why a price is what it
// is, stars an article and keeps only its favourites.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ApiSession,
  clearFailureScreenshots,
  contentOf,
  launchBrowser,
  newContext,
  screenshot,
  signIn,
  startServer,
  textOf,
  type TestServer,
} from './support';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const buyer = { name: 'Pâtisserie Morel', email: 'morel@e2e.maillon.test', password: 'morel-motdepasse-2026' };
const publisher = { name: 'Éditions Gourmandes', email: 'gourmandes@e2e.maillon.test', password: 'gourmandes-motdepasse-2026' };
const cities = ['lyon', 'nice', 'lille', 'nantes', 'rennes', 'dijon'];

beforeAll(async () => {
  clearFailureScreenshots('catalog');
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  // A publisher's site with three articles, validated by support; a customer who buys.
  const pub = new ApiSession(server.url);
  await pub.post('/api/auth/signup', { ...publisher, kind: 'publisher' });
  const site = await pub.post('/api/publisher/sites', {
    domain: 'cuisine-gourmande-e2e.fr',
    theme: 'cuisine',
    siteKind: 'thematic',
    language: 'fr',
  });
  const support = await ApiSession.signIn(server.url, server.support.email, server.support.password);
  await support.post(`/api/support/sites/${site.id}/approve`);
  await pub.post(`/api/publisher/sites/${site.id}/articles`, {
    url: 'https://cuisine-gourmande-e2e.fr/tarte-aux-pommes',
    keywords: [
      { keyword: 'tarte facile', position: 1, volume: 300 },
      { keyword: 'recette tarte aux pommes', position: 2, volume: 4400 },
      { keyword: 'recettes de tarte', position: 5, volume: 1900 },
      { keyword: 'recette pâte brisée', position: 9, volume: 800 },
      ...cities.map((c, i) => ({ keyword: `recette tarte ${c}`, position: 30 + i, volume: 50 })),
    ],
  });
  await pub.post(`/api/publisher/sites/${site.id}/articles`, {
    url: 'https://cuisine-gourmande-e2e.fr/crepes',
    keywords: [{ keyword: 'recette crêpes', position: 4, volume: 12000 }],
  });
  await pub.post(`/api/publisher/sites/${site.id}/articles`, {
    url: 'https://cuisine-gourmande-e2e.fr/vins',
    keywords: [{ keyword: 'accord mets vins', position: 3, volume: 2000 }],
  });
  await new ApiSession(server.url).post('/api/auth/signup', { ...buyer, kind: 'customer' });
  context = await newContext(browser, server.url);
  page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

function keepFailure(name: string) {
  onTestFailed(async () => {
    if (page && !page.isClosed()) await screenshot(page, `FAILED-catalog-${name}`).catch(() => {});
  });
}

describe('the catalog explains itself', () => {
  it('(1) « recettes » finds the articles of « recette », one row each, with the count and the matched keywords', async () => {
    keepFailure('1');
    await signIn(page, buyer.email, buyer.password);
    await page.getByTestId('nav-catalog').click();
    await page.waitForURL('**/catalogue');
    expect(await textOf(page.getByTestId('catalog-count'))).toBe('3 articles');
    await page.getByTestId('catalog-keyword').fill('recettes');
    await expect.poll(() => textOf(page.getByTestId('catalog-count'))).toBe('2 articles');
    const rows = page.getByTestId('offer-row');
    await expect.poll(() => rows.count()).toBe(2);
    // best matching keyword first: position 2 before position 4
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-keyword')))).toEqual([
      'recette tarte aux pommes',
      'recette crêpes',
    ]);
    const tarte = page.locator('[data-testid="offer-row"][data-keyword="recette tarte aux pommes"]');
    const chips = await tarte.getByTestId('offer-matched-keyword').allInnerTexts();
    expect(chips).toEqual([
      'recettes de tarte · 5',
      'recette pâte brisée · 9',
      'recette tarte lyon · 30',
      'recette tarte nice · 31',
    ]);
    expect(await contentOf(tarte.getByTestId('offer-matched-more'))).toBe('+4');
    expect(await contentOf(tarte.getByTestId('offer-best-keyword'))).toBe('Prix fixé par « tarte facile » (position 1)');
    // the other article has no other matching keyword: no chip
    expect(
      await page.locator('[data-testid="offer-row"][data-keyword="recette crêpes"]').getByTestId('offer-matched').count(),
    ).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'k1-catalog-recettes');
  });

  it('(2) the price says how it is made, in a tooltip', async () => {
    keepFailure('2');
    const tarte = page.locator('[data-testid="offer-row"][data-keyword="recette tarte aux pommes"]');
    await tarte.getByTestId('offer-price-explained').hover();
    const tooltip = page.getByRole('tooltip');
    await tooltip.waitFor();
    const text = await textOf(tooltip);
    expect(text).toMatch(/^Position \d+(–\d+)? × volume .+ : .+ € \+ \d+ mots-clés dans le top 10 × .+ € = .+ €$/);
    const price = await textOf(tarte.getByTestId('offer-price'));
    expect(text.endsWith(`= ${price}`)).toBe(true);
    await screenshot(page, 'k2-catalog-price-tooltip');
    await page.mouse.move(0, 0);
  });

  it('(3) a star keeps an article in the favourites; « Favoris seulement » shows them alone', async () => {
    keepFailure('3');
    const crepes = page.locator('[data-testid="offer-row"][data-keyword="recette crêpes"]');
    const star = crepes.getByTestId('offer-favourite');
    expect(await star.getAttribute('aria-label')).toBe('Ajouter aux favoris');
    await star.click();
    await expect.poll(() => star.getAttribute('aria-label')).toBe('Retirer des favoris');
    expect(await star.getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('catalog-favourites').check();
    await expect.poll(() => textOf(page.getByTestId('catalog-count'))).toBe('1 article');
    await expect.poll(() => page.getByTestId('offer-row').count()).toBe(1);
    expect(await page.getByTestId('offer-row').getAttribute('data-keyword')).toBe('recette crêpes');
    await page.waitForURL((url) => url.searchParams.get('favourites') === '1');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'k3-catalog-favourites');

    // Kept after a reload; un-starred, the favourites list is empty and says how to fill it.
    await page.reload();
    await expect.poll(() => textOf(page.getByTestId('catalog-count'))).toBe('1 article');
    await page.getByTestId('offer-favourite').click();
    await expect.poll(() => textOf(page.getByTestId('catalog-count'))).toBe('Aucun article');
    expect(await textOf(page.getByTestId('catalog-empty'))).toBe(
      'Aucun favori ne correspond à ces critères. Ajoutez-en avec l’étoile d’une offre.',
    );
    await page.getByTestId('catalog-favourites').uncheck();
    await expect.poll(() => textOf(page.getByTestId('catalog-count'))).toBe('2 articles');
  });

  it('(4) on a phone, each article is a card with its star and its matched keywords', async () => {
    keepFailure('4');
    await page.setViewportSize({ width: 390, height: 844 });
    const card = page.locator('[data-testid="offer-row"][data-keyword="recette tarte aux pommes"]');
    await card.getByTestId('offer-favourite').waitFor();
    expect(await card.getByTestId('offer-matched-keyword').count()).toBe(4);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'k4-catalog-phone');
  });
});
