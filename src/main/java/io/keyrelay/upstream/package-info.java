/** The two API dialects (Anthropic Messages, OpenAI Chat Completions): endpoints, forwarded headers, error shapes, error sanitising and usage reading. */
package io.keyrelay.upstream;
