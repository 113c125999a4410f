/** Configuration: the only reader of the environment; typed, validated values for everything else. */
package io.keyrelay.config;
