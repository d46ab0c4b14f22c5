namespace Web.Site;

public static class SiteEndpoints
{
    /// <summary>
    /// The public pages and their static assets (with ETags and Last-Modified, so a CDN can revalidate);
    /// the home page itself is never cached, so a deploy shows at once.
    /// </summary>
    public static WebApplication MapSite(this WebApplication app)
    {
        app.UseStaticFiles();
        app.MapGet("/", (IWebHostEnvironment environment, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            return TypedResults.PhysicalFile(Path.Combine(environment.WebRootPath, "index.html"), "text/html; charset=utf-8");
        });
        return app;
    }
}
