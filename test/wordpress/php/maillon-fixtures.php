<?php
/*
 * Plugin Name: Maillon test fixtures
 * Description: What SEO plugins and hosts do to a page, driven by custom fields set through the REST API.
 */

// Custom fields of a post, writable through the REST API (meta: {...}):
//   maillon_robots_meta       prints <meta name="robots" content="…"> in the head, as Yoast or Rank Math do
//   maillon_robots_meta_name  the meta's name instead of robots (googlebot, bingbot)
//   maillon_x_robots          sends X-Robots-Tag: … with the page
//   maillon_redirect          answers 301 to that URL instead of the post (a redirection plugin)
//   maillon_canonical         the post's canonical URL instead of its own (filter get_canonical_url)
//   maillon_unavailable       answers 503 that many times (counting down), then the post: a host's hiccup
add_action('init', function () {
    foreach (['maillon_robots_meta', 'maillon_robots_meta_name', 'maillon_x_robots', 'maillon_redirect', 'maillon_canonical', 'maillon_unavailable'] as $key) {
        register_post_meta('post', $key, [
            'type' => 'string',
            'single' => true,
            'show_in_rest' => true,
            'auth_callback' => fn () => current_user_can('edit_posts'),
        ]);
    }
    // Settings › Reading › "Discourage search engines from indexing this site", and lines added to
    // the robots.txt WordPress serves, both writable through /wp/v2/settings
    register_setting('reading', 'blog_public', ['type' => 'integer', 'show_in_rest' => true, 'default' => 1]);
    register_setting('reading', 'maillon_robots_txt', ['type' => 'string', 'show_in_rest' => true, 'default' => '']);
});

add_action('wp_head', function () {
    if (!is_singular()) return;
    $id = get_queried_object_id();
    $content = get_post_meta($id, 'maillon_robots_meta', true);
    if ($content === '') return;
    $name = get_post_meta($id, 'maillon_robots_meta_name', true) ?: 'robots';
    printf("<meta name=\"%s\" content=\"%s\">\n", esc_attr($name), esc_attr($content));
}, 1);

add_action('template_redirect', function () {
    if (!is_singular()) return;
    $id = get_queried_object_id();
    $left = (int) get_post_meta($id, 'maillon_unavailable', true);
    if ($left > 0) {
        update_post_meta($id, 'maillon_unavailable', (string) ($left - 1));
        status_header(503);
        nocache_headers();
        header('Retry-After: 1');
        echo 'Service temporairement indisponible';
        exit;
    }
    $header = get_post_meta($id, 'maillon_x_robots', true);
    if ($header !== '') header('X-Robots-Tag: ' . $header);
    $to = get_post_meta($id, 'maillon_redirect', true);
    if ($to !== '') {
        wp_redirect($to, 301, 'Maillon fixtures');
        exit;
    }
}, 0);

add_filter('get_canonical_url', function ($url, $post) {
    $canonical = get_post_meta($post->ID, 'maillon_canonical', true);
    return $canonical !== '' ? $canonical : $url;
}, 10, 2);

add_filter('robots_txt', fn ($output) => $output . get_option('maillon_robots_txt', ''), 10, 1);

// visitors may comment through the REST API (a comment held for moderation until the admin approves it)
add_filter('rest_allow_anonymous_comments', '__return_true');
// …as often as the tests need (WordPress refuses a second comment from the same visitor within 15 s)
add_filter('wp_is_comment_flood', '__return_false', 20);
