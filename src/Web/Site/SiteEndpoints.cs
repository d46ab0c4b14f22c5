using Microsoft.AspNetCore.Http.HttpResults;

namespace Web.Site;

public static class SiteEndpoints
{
    /// <summary>
    /// The public pages and their static assets (with ETags and Last-Modified, so a CDN can revalidate);
    /// the pages themselves are never cached, so a deploy shows at once.
    /// </summary>
    public static WebApplication MapSite(this WebApplication app)
    {
        app.UseStaticFiles();
        app.MapGet("/", (IWebHostEnvironment environment, HttpContext context) => Page(environment, context, "index.html"));
        // Any code: the page itself asks the API whether the game exists, and says so.
        app.MapGet("/play/{gameId}", (IWebHostEnvironment environment, HttpContext context) => Page(environment, context, "play.html"));
        // Nothing else is here: a request no endpoint took gets the page that says so. Not under /api, where the
        // router's own 404, 405 and 415 answer in problem+json with a code: an endpoint matching every path there
        // would outrank a 405 or 415 with "nothing at this address".
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is not null || context.Request.Path.StartsWithSegments("/api"))
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.SendFileAsync(Path.Combine(app.Environment.WebRootPath, "404.html"));
        });
        return app;
    }

    private static PhysicalFileHttpResult Page(IWebHostEnvironment environment, HttpContext context, string file)
    {
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.PhysicalFile(Path.Combine(environment.WebRootPath, file), "text/html; charset=utf-8");
    }
}
