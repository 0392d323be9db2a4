// A small client of the WordPress REST API (wp/v2), as the admin through an application password or
// as an anonymous visitor.

export type Post = { id: number; link: string; slug: string; status: string };

export type PostFields = {
  title?: string;
  slug?: string;
  /** the post's HTML as the block editor saves it */
  content?: string;
  status?: 'publish' | 'draft' | 'private' | 'future' | 'pending';
  password?: string;
  /** ISO, for status future */
  date?: string;
  /** custom fields of the fixtures mu-plugin (test/wordpress/php/maillon-fixtures.php) */
  meta?: Partial<
    Record<
      | 'maillon_robots_meta'
      | 'maillon_robots_meta_name'
      | 'maillon_x_robots'
      | 'maillon_redirect'
      | 'maillon_canonical'
      | 'maillon_unavailable',
      string
    >
  >;
};

export class WordPressApi {
  private readonly authorization: string;

  constructor(
    readonly baseUrl: string,
    user: string,
    applicationPassword: string,
  ) {
    this.authorization = `Basic ${Buffer.from(`${user}:${applicationPassword}`).toString('base64')}`;
  }

  /** Calls /wp-json/wp/v2/<path>; throws on anything but 2xx, with WordPress's message. */
  async call<T>(method: string, path: string, body?: unknown, { anonymous = false } = {}): Promise<T> {
    const response = await fetch(`${this.baseUrl}/wp-json/wp/v2/${path}`, {
      method,
      headers: {
        ...(anonymous ? {} : { authorization: this.authorization }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  createPost(fields: PostFields): Promise<Post> {
    return this.call<Post>('POST', 'posts', { status: 'publish', title: fields.slug ?? 'Article', ...fields });
  }

  updatePost(id: number, fields: PostFields): Promise<Post> {
    return this.call<Post>('POST', `posts/${id}`, fields);
  }

  /** Moves the post to the trash, as the editor's "Move to trash" does. */
  async trashPost(id: number): Promise<Post> {
    return this.call<Post>('DELETE', `posts/${id}`);
  }

  /** A visitor's comment, held for moderation, then approved by the admin. */
  async approvedComment(postId: number, content: string): Promise<{ id: number; status: string }> {
    const comment = await this.call<{ id: number; status: string }>(
      'POST',
      'comments',
      { post: postId, author_name: 'Un visiteur', author_email: 'visiteur@maillon.test', content },
      { anonymous: true },
    );
    return this.call('POST', `comments/${comment.id}`, { status: 'approved' });
  }

  settings(patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', 'settings', patch);
  }
}

/** A paragraph block as the block editor saves it: WordPress's typography (wptexturize) runs on display. */
export function paragraph(html: string): string {
  return `<!-- wp:paragraph -->\n<p>${html}</p>\n<!-- /wp:paragraph -->`;
}
