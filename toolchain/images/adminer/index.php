<?php
// Front page of ade-local/adminer. Like the official adminer image, the login
// form's server field is pre-filled from ADMINER_DEFAULT_SERVER (default "db").
// The version check is off: it would call adminer.org from the browser.
function adminer_object() {
    include_once '/usr/share/adminer/plugins/plugin.php';
    include_once '/usr/share/adminer/plugins/version-noverify.php';

    class AdeAdminer extends AdminerPlugin {
        function loginFormField($name, $heading, $value) {
            if ($name === 'server') {
                $server = getenv('ADMINER_DEFAULT_SERVER');
                if ($server === false || $server === '') {
                    $server = 'db';
                }
                $value = str_replace('name="auth[server]" value=""', 'name="auth[server]" value="' . h($server) . '"', $value);
            }
            return parent::loginFormField($name, $heading, $value);
        }
    }

    return new AdeAdminer(array(new AdminerVersionNoverify()));
}

include '/usr/share/adminer/adminer.php';
