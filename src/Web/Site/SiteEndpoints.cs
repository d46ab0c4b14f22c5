using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Games;
using Web.Games;

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
        // Nothing else is here: a page that says so, or for the API, problem+json with its code. (Paths that
        // name a file are left to the static files: an endpoint matched here would take them over.)
        app.MapFallback(async (IWebHostEnvironment environment, HttpContext context) =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await ApiErrors.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "There is nothing at this address.").ExecuteAsync(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.SendFileAsync(Path.Combine(environment.WebRootPath, "404.html"));
        });
        return app;
    }

    private static PhysicalFileHttpResult Page(IWebHostEnvironment environment, HttpContext context, string file)
    {
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.PhysicalFile(Path.Combine(environment.WebRootPath, file), "text/html; charset=utf-8");
    }
}
