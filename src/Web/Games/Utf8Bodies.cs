using System.Buffers;
using System.Text.Unicode;
using Platform.Games;

namespace Web.Games;

/// <summary>
/// An API request's body is UTF-8 text of at most <see cref="MostBytes"/>, checked whole before any endpoint reads it:
/// System.Text.Json checks only what it keeps, so bytes that are not UTF-8 in a field it ignores would pass.
/// </summary>
public static class Utf8Bodies
{
    /// <summary>The largest body the API reads: its requests are a title and a name, or a player id.</summary>
    public const int MostBytes = 64 * 1024;

    public static IApplicationBuilder UseUtf8Bodies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api") || (request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any()))
        {
            await next(context);
            return;
        }
        if (request.ContentLength > MostBytes)
        {
            await TooLarge(context);
            return;
        }
        request.EnableBuffering(MostBytes + 1);
        var body = ArrayPool<byte>.Shared.Rent(MostBytes + 1);
        bool tooLarge, utf8;
        try
        {
            var read = 0;
            while (read <= MostBytes && await request.Body.ReadAsync(body.AsMemory(read, MostBytes + 1 - read), context.RequestAborted) is var n and > 0)
            {
                read += n;
            }
            (tooLarge, utf8) = (read > MostBytes, Utf8.IsValid(body.AsSpan(0, Math.Min(read, MostBytes))));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
        if (tooLarge)
        {
            await TooLarge(context);
            return;
        }
        if (!utf8)
        {
            await ApiErrors.BadRequest("The body must be UTF-8 text.").ExecuteAsync(context);
            return;
        }
        request.Body.Position = 0;
        await next(context);
    });

    private static Task TooLarge(HttpContext context) =>
        ApiErrors.Problem(StatusCodes.Status413PayloadTooLarge, ErrorCodes.TooLarge, $"The body is over {MostBytes / 1024} KiB, the most the API reads.")
            .ExecuteAsync(context);
}
