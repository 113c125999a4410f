/** The operator's web UI: static HTML, CSS and JavaScript modules served from the jar, with a strict CSP. */
package io.keyrelay.admin.ui;
