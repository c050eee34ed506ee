import { Prober } from './index';

describe('Prober', () => {
    it('finds healthy hosts up', () => {
        expect(new Prober().ping('https://encore.dev/')).toEqual({ up: true, code: 200, attempt: 1 });
    });

    it('finds hosts that are down, and hosts that do not answer', () => {
        const prober = new Prober();
        expect(prober.ping('https://down.example.com/')).toEqual({ up: false, code: 503, attempt: 1 });
        expect(prober.ping('https://nothing.invalid/')).toEqual({ up: false, code: 0, attempt: 1 });
    });

    it('counts the attempts per URL: flaky hosts fail every second one', () => {
        const prober = new Prober();
        const codes = [1, 2, 3, 4].map(() => prober.ping('https://flaky.example.com/').code);
        expect(codes).toEqual([200, 502, 200, 502]);
    });
});
