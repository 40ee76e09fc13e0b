import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND } from '../../adapters/slack/handlers.js';

// The manifest an admin pastes must match what the adapter listens for and the Web API methods it calls.
const manifest = readFileSync(new URL('../../adapters/slack/manifest.yml', import.meta.url), 'utf8');

describe('Slack app manifest', () => {
  it('declares the slash command, the DM and Home events and interactivity on the path Bolt serves', () => {
    expect(manifest).toContain(`- command: ${COMMAND}\n`);
    expect(manifest).toMatch(/bot_events:\n\s+- message\.im\n\s+- app_home_opened\n/);
    expect(manifest).toMatch(/home_tab_enabled: true/);
    // `/debrief admin schedule #jobs ...` arrives as <#C123|jobs> only when escaping is on.
    expect(manifest).toMatch(/should_escape: true/);
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
    const urls = [...manifest.matchAll(/^\s+(?:url|request_url): (\S+)$/gm)].map((m) => m[1]);
    expect(urls).toHaveLength(3);
    for (const url of urls) expect(url).toMatch(/^https:\/\/YOUR-HOST\/slack\/events$/);
  });

  it('asks for exactly the bot scopes the adapter uses', () => {
    const scopes = [...manifest.matchAll(/^\s+- ([a-z]+(?::[a-z]+)?) #/gm)].map((m) => m[1]);
    // commands: /debrief; chat:write: postMessage/update; im:write: conversations.open;
    // im:history: message.im (and a resent check-in's DM history); files:write: files.uploadV2;
    // users:read: users.info; channels:history / groups:history: a resent prompt's channel history.
    expect(scopes.sort()).toEqual(['channels:history', 'chat:write', 'commands', 'files:write', 'groups:history', 'im:history', 'im:write', 'users:read']);
  });
});
