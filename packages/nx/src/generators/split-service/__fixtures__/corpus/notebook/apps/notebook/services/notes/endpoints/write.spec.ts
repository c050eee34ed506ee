import { createDraft, tagNote } from './write';

describe('createDraft', () => {
  it('trims the title', async () => {
    await expect(createDraft({ title: '  Plans ' })).resolves.toEqual({ title: 'Plans', body: '', tags: [] });
  });
});

describe('tagNote', () => {
  it('adds a normalised tag once', async () => {
    expect((await tagNote({ id: 1, tag: ' Errands ' })).tags).toEqual(['home', 'errands']);
    expect((await tagNote({ id: 1, tag: 'home' })).tags).toEqual(['home']);
  });
});
