<?php
// Installs a fresh WordPress site in a new database, as wp-admin/install.php would, then sets it up
// the way a publisher's blog is: Twenty Twenty-Three, /%postname%/ permalinks, no sample content.
// Prints {"user", "applicationPassword"} for the REST API.
// Usage: php install.php DOCROOT SITE_URL (database settings from wp-config.php, read before WordPress loads)
[, $docroot, $siteUrl] = $argv;

// the database: dropped and created again
$config = file_get_contents("$docroot/wp-config.php");
$setting = function (string $name) use ($config): string {
    if (!preg_match("/define\\(\\s*'$name',\\s*'((?:[^'\\\\]|\\\\.)*)'\\s*\\)/", $config, $m)) throw new RuntimeException("no $name in wp-config.php");
    return stripcslashes($m[1]);
};
[$host, $port] = array_pad(explode(':', $setting('DB_HOST'), 2), 2, '3306');
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
$db = new mysqli($host, $setting('DB_USER'), $setting('DB_PASSWORD'), '', (int) $port);
$name = $db->real_escape_string($setting('DB_NAME'));
$db->query("DROP DATABASE IF EXISTS `$name`");
$db->query("CREATE DATABASE `$name` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
$db->close();

$url = parse_url($siteUrl);
$_SERVER['HTTP_HOST'] = $url['host'] . (isset($url['port']) ? ':' . $url['port'] : '');
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
define('WP_INSTALLING', true);
require "$docroot/wp-load.php";
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$installed = wp_install('Le blog de test de Maillon', 'admin', 'admin@maillon.test', true, '', wp_generate_password(24));
wp_set_current_user($installed['user_id']);

switch_theme('twentytwentythree');
update_option('permalink_structure', '/%postname%/');
update_option('rewrite_rules', '');
// the sample post and page (and the sample comment with them)
foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'any', 'numberposts' => -1]) as $post) {
    wp_delete_post($post->ID, true);
}

[$password] = WP_Application_Passwords::create_new_application_password($installed['user_id'], ['name' => 'maillon-tests']);
echo json_encode(['user' => 'admin', 'applicationPassword' => $password]), "\n";
