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
        return app;
    }

    private static PhysicalFileHttpResult Page(IWebHostEnvironment environment, HttpContext context, string file)
    {
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.PhysicalFile(Path.Combine(environment.WebRootPath, file), "text/html; charset=utf-8");
    }
}
