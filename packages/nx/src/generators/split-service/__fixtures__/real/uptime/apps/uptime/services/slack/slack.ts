// Copyright 2025 Lookout Labs. Licensed under the MIT License; see LICENSE in the project root.
import { api, APIError, ErrCode } from '@topo/runtime';

/** A message posted to the channel. */
export interface Message {
    /** 1 for the first message, and so on. */
    seq: number;
    /** Slack's mrkdwn. */
    text: string;
}

/** The channel, oldest message first: stands in for Slack's incoming webhook. */
const channel: Message[] = [];

/** Private: posts a message to the on-call channel. */
export const notify = api(
    { method: 'POST', path: '/slack/notify' },
    async ({ text }: { text: string }): Promise<Message> => {
        if (text.trim() === '') throw new APIError(ErrCode.InvalidArgument, 'a message needs text');
        const message = { seq: channel.length + 1, text };
        channel.push(message);
        return message;
    },
);

/** The messages posted so far, oldest first. */
export const messages = api(
    { expose: true, method: 'GET', path: '/slack/messages' },
    async (): Promise<{ messages: Message[] }> => ({ messages: [...channel] }),
);
