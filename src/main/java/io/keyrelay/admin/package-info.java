/** The admin JSON API under {@code /admin}: operator auth, pool keys, backup keys, client keys, events and its OpenAPI document. */
package io.keyrelay.admin;
