import { APIError, ErrCode, errCodeForStatus, httpStatusOf, isErrCode } from './errors';

describe('ErrCode → HTTP status', () => {
  it.each([
    [ErrCode.Canceled, 499],
    [ErrCode.Unknown, 500],
    [ErrCode.InvalidArgument, 400],
    [ErrCode.DeadlineExceeded, 504],
    [ErrCode.NotFound, 404],
    [ErrCode.AlreadyExists, 409],
    [ErrCode.PermissionDenied, 403],
    [ErrCode.ResourceExhausted, 429],
    [ErrCode.FailedPrecondition, 400],
    [ErrCode.Aborted, 409],
    [ErrCode.OutOfRange, 400],
    [ErrCode.Unimplemented, 501],
    [ErrCode.Internal, 500],
    [ErrCode.Unavailable, 503],
    [ErrCode.DataLoss, 500],
    [ErrCode.Unauthenticated, 401],
  ])('%s answers %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
    expect(new APIError(code, 'x').status).toBe(status);
  });

  it('covers every code', () => {
    expect(Object.values(ErrCode)).toHaveLength(16);
    for (const code of Object.values(ErrCode)) expect(isErrCode(code)).toBe(true);
    expect(isErrCode('not-a-code')).toBe(false);
  });
});

describe('APIError', () => {
  it('is an Error with its code, message and details', () => {
    const error = new APIError(ErrCode.NotFound, 'no such user', { id: 7 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('APIError');
    expect(error.message).toBe('no such user');
    expect(error.details).toEqual({ id: 7 });
  });

  it('serialises to the error body, with details only when given', () => {
    expect(JSON.parse(JSON.stringify(new APIError(ErrCode.NotFound, 'no such user')))).toEqual({ code: 'not_found', message: 'no such user' });
    expect(JSON.parse(JSON.stringify(new APIError(ErrCode.AlreadyExists, 'taken', { name: 'x' })))).toEqual({
      code: 'already_exists',
      message: 'taken',
      details: { name: 'x' },
    });
  });

  it('is rebuilt from an error body', () => {
    const error = APIError.fromResponse(404, { code: 'not_found', message: 'no such user', details: { id: 1 } });
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: ErrCode.NotFound, message: 'no such user', details: { id: 1 } });
  });

  it('falls back to the status when the body is not an error body', () => {
    expect(APIError.fromResponse(503, '<html>bad gateway</html>')).toMatchObject({ code: ErrCode.Unavailable, message: 'request failed with HTTP 503' });
    expect(APIError.fromResponse(502, undefined).code).toBe(ErrCode.Unavailable);
    expect(APIError.fromResponse(418, { code: 'teapot', message: 'x' }).code).toBe(ErrCode.Unknown);
    expect(APIError.fromResponse(599, null).code).toBe(ErrCode.Internal);
  });

  it('maps statuses back to the most general code', () => {
    expect(errCodeForStatus(400)).toBe(ErrCode.InvalidArgument);
    expect(errCodeForStatus(401)).toBe(ErrCode.Unauthenticated);
    expect(errCodeForStatus(413)).toBe(ErrCode.ResourceExhausted);
    expect(errCodeForStatus(504)).toBe(ErrCode.DeadlineExceeded);
  });
});
