import robotsParser from 'robots-parser';
import { fetchPage, type FetchOptions } from './fetch-page.js';

export type RobotsTxtVerdict =
  | { verdict: 'allowed'; robotsUrl: string; status: number | null }
  | { verdict: 'unavailable'; robotsUrl: string; status: number | null }
  /** `lineNumber` and `line`: the rule of the robots.txt that disallows the page. */
  | { verdict: 'disallowed'; robotsUrl: string; status: number; lineNumber: number | null; line: string | null };

/** Google reads the first 500 KiB of a robots.txt; a bigger one is not worth more here. */
const ROBOTS_MAX_BYTES = 512 * 1024;
const GOOGLEBOT = 'Googlebot';

/**
 * Whether the robots.txt of the page's origin lets Googlebot crawl the page, fetched with the same
 * safeguards as the page. As Google does: a 4xx (no robots.txt) allows everything; a robots.txt
 * that cannot be read (5xx, 429, network failure, too large) says nothing, reported as `unavailable`.
 */
export async function checkRobotsTxt(
  pageUrl: string,
  options: Omit<FetchOptions, 'wantsBody' | 'maxBytes'>,
): Promise<RobotsTxtVerdict> {
  const robotsUrl = new URL('/robots.txt', pageUrl).href;
  const answer = await fetchPage(robotsUrl, { ...options, maxBytes: ROBOTS_MAX_BYTES, wantsBody: (status) => status === 200 });
  if (!answer.ok) return { verdict: 'unavailable', robotsUrl, status: answer.status };
  const { status } = answer;
  if (status === 429 || status >= 500) return { verdict: 'unavailable', robotsUrl, status };
  if (status !== 200 || answer.body === null) return { verdict: 'allowed', robotsUrl, status };
  // Rules apply to the URL of the robots.txt asked for, even when it redirected elsewhere.
  const robots = robotsParser(robotsUrl, answer.body);
  if (robots.isAllowed(pageUrl, GOOGLEBOT) !== false) return { verdict: 'allowed', robotsUrl, status };
  const lineNumber = robots.getMatchingLineNumber(pageUrl, GOOGLEBOT);
  const line = lineNumber > 0 ? (answer.body.split(/\r\n|\r|\n/)[lineNumber - 1]?.trim() ?? null) : null;
  return { verdict: 'disallowed', robotsUrl, status, lineNumber: lineNumber > 0 ? lineNumber : null, line };
}
