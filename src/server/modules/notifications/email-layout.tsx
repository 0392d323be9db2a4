/** @jsxRuntime automatic */
/** @jsxImportSource react */
import type { Language } from '../../db/types.js';
import { emailWords } from './messages.js';

/**
 * Every e-mail Maillon sends, in one layout (React Email): a heading, paragraphs, optional
 * entries (a digest) and a button to the object, then a footer with the one-click unsubscribe
 * and the preferences. No image, no tracking pixel, no remote resource. Rendered to HTML and to
 * its plain-text alternative.
 */
export type EmailContent = {
  lang: Language;
  heading: string;
  /** short text mail clients show beside the subject */
  preview?: string;
  paragraphs: string[];
  entries?: { title: string; body: string; link: string | null }[];
  action?: { label: string; url: string } | null;
  /** absolute URLs; both absent for account e-mails (invitation, reset), which cannot be unsubscribed */
  unsubscribeUrl?: string | null;
  preferencesUrl?: string | null;
};

const styles = {
  body: { backgroundColor: '#f4f6f8', fontFamily: 'Helvetica, Arial, sans-serif', margin: 0, padding: '24px 0' },
  container: { backgroundColor: '#ffffff', borderRadius: '8px', margin: '0 auto', maxWidth: '560px', padding: '32px' },
  brand: { color: '#1c7ed6', fontSize: '18px', fontWeight: 700, margin: '0 0 16px' },
  heading: { color: '#1a1b1e', fontSize: '20px', margin: '0 0 16px' },
  text: { color: '#373a40', fontSize: '15px', lineHeight: '22px', margin: '0 0 12px' },
  entryTitle: { color: '#1a1b1e', fontSize: '15px', fontWeight: 700, margin: '12px 0 2px' },
  button: { backgroundColor: '#1c7ed6', borderRadius: '6px', color: '#ffffff', fontSize: '15px', padding: '10px 18px', textDecoration: 'none' },
  footer: { color: '#868e96', fontSize: '12px', lineHeight: '18px', margin: '4px 0' },
  link: { color: '#1c7ed6' },
} as const;

/**
 * React Email (and what it pulls in: a syntax highlighter, markdown, tailwind) takes about half a
 * second to import: loaded on the first e-mail, not at every start of the app.
 */
type Components = typeof import('@react-email/components');
let loading: Promise<Components> | null = null;
const components = () => (loading ??= import('@react-email/components'));

function EmailDocument({ content, c }: { content: EmailContent; c: Components }) {
  const { Body, Button, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } = c;
  const words = emailWords[content.lang];
  return (
    <Html lang={content.lang}>
      <Head />
      {content.preview ? <Preview>{content.preview}</Preview> : null}
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>Maillon</Text>
          <Heading as="h1" style={styles.heading}>
            {content.heading}
          </Heading>
          {content.paragraphs.map((p, i) => (
            <Text key={i} style={styles.text}>
              {p}
            </Text>
          ))}
          {(content.entries ?? []).map((e, i) => (
            <Section key={i}>
              <Text style={styles.entryTitle}>{e.link ? <Link href={e.link} style={styles.link}>{e.title}</Link> : e.title}</Text>
              <Text style={styles.text}>{e.body}</Text>
            </Section>
          ))}
          {content.action ? (
            <Section style={{ margin: '20px 0' }}>
              <Button href={content.action.url} style={styles.button}>
                {content.action.label}
              </Button>
            </Section>
          ) : null}
          <Hr />
          <Text style={styles.footer}>{words.footer}</Text>
          {content.unsubscribeUrl ? (
            <Text style={styles.footer}>
              <Link href={content.unsubscribeUrl} style={styles.link}>
                {words.unsubscribe}
              </Link>
              {content.preferencesUrl ? (
                <>
                  {' · '}
                  <Link href={content.preferencesUrl} style={styles.link}>
                    {words.preferences}
                  </Link>
                </>
              ) : null}
            </Text>
          ) : null}
        </Container>
      </Body>
    </Html>
  );
}

export async function renderEmailContent(content: EmailContent): Promise<{ html: string; text: string }> {
  const c = await components();
  const element = <EmailDocument content={content} c={c} />;
  const [html, text] = await Promise.all([c.render(element), c.render(element, { plainText: true })]);
  return { html, text };
}
