using System.Text;
using Lookalike.Core.Errors;

namespace Lookalike.Feeds.Tests;

public class FeedReaderTests
{
    private static FeedContent Read(string text, FeedColumns? columns = null, FeedFormat? format = null) =>
        FeedReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "test-feed", columns ?? new FeedColumns(), format);

    [Fact]
    public void Read_Csv_KeepsOtherColumnsAsMetadataAndQuotedCommas()
    {
        var feed = Read("""
            sku,title,image_url,price
            A1,"Dress, red",https://shop.example/a1.jpg,19.90
            B2,Hat,http://cdn.example/b2.png,5
            """, new FeedColumns("sku", "image_url"));
        Assert.Equal(FeedFormat.Csv, feed.Format);
        Assert.Empty(feed.Problems);
        Assert.Equal(["A1", "B2"], feed.Records.Select(r => r.Id));
        Assert.Equal(new Uri("https://shop.example/a1.jpg"), feed.Records[0].ImageUrl);
        Assert.Equal("Dress, red", feed.Records[0].Metadata["title"]);
        Assert.Equal("19.90", feed.Records[0].Metadata["price"]);
        Assert.Equal(3, feed.Records[1].Line);
    }

    [Fact]
    public void Read_CsvBadRows_ReportsEachByLineAndReadsTheRest()
    {
        var feed = Read("""
            id,image_link,title
            A,https://x.example/a.jpg,ok
            ,https://x.example/none.jpg,no id
            B,,no image
            C,file:///etc/passwd,local file
            D,/relative.jpg,relative
            A,https://x.example/a2.jpg,duplicate
            E,https://x.example/e.jpg,ok
            """);
        Assert.Equal(["A", "E"], feed.Records.Select(r => r.Id));
        Assert.Collection(feed.Problems,
            p => Assert.Equal((3, "no id (--id-column)"), (p.Line, p.Message)),
            p => Assert.Equal((4, "B", "no image_link (--image-column)"), (p.Line, p.Id, p.Message)),
            p => Assert.Contains("'file:///etc/passwd' is not an absolute http(s) URL", p.Message),
            p => Assert.Contains("'/relative.jpg' is not an absolute http(s) URL", p.Message),
            p => Assert.Equal((7, "duplicate id 'A' (first on line 2); this row is ignored"), (p.Line, p.Message)));
    }

    [Fact]
    public void Read_MissingColumn_NamesItAndTheColumnsThere()
    {
        var e = Assert.Throws<LookalikeException>(() => Read("sku,picture\nA,https://x.example/a.jpg\n", new FeedColumns("sku", "image_url")));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("no column 'image_url' (--image-column); its columns are: sku, picture", e.Message);
    }

    [Fact]
    public void Read_IdThatCannotBeAFileName_IsAProblem()
    {
        var feed = Read("id,image_link\na/b,https://x.example/1.jpg\n..,https://x.example/2.jpg\nok,https://x.example/3.jpg\n");
        Assert.Equal(["ok"], feed.Records.Select(r => r.Id));
        Assert.Equal(2, feed.Problems.Count);
        Assert.All(feed.Problems, p => Assert.Contains("cannot be an item id", p.Message));
    }

    [Fact]
    public void Read_MerchantTsv_IsSniffedAndAStrayQuoteStaysInItsField()
    {
        var feed = Read("id\ttitle\timage_link\tproduct_type\n" +
                        "1\t12\" vinyl\thttps://x.example/1.jpg\tMusic > Records\n" +
                        "2\tPlain\thttps://x.example/2.jpg\tMusic\n");
        Assert.Equal(FeedFormat.Tsv, feed.Format);
        Assert.Empty(feed.Problems);
        Assert.Equal("12\" vinyl", feed.Records[0].Metadata["title"]);
        Assert.Equal("Music > Records", feed.Records[0].Metadata["product_type"]);
        Assert.Equal("2", feed.Records[1].Id);
    }

    [Fact]
    public void Read_JsonLines_ArraysJoinNumbersKeptBadLinesReported()
    {
        var feed = Read("""
            {"id":"A","image_link":"https://x.example/a.jpg","price":12.5,"in_stock":true,"additional_image_link":["https://x.example/a2.jpg","https://x.example/a3.jpg"],"shipping":{"country":"US"}}

            not json
            [1,2]
            {"id":7,"image_link":"https://x.example/7.jpg"}
            """);
        Assert.Equal(FeedFormat.JsonLines, feed.Format);
        Assert.Equal(["A", "7"], feed.Records.Select(r => r.Id));
        var a = feed.Records[0].Metadata;
        Assert.Equal("12.5", a["price"]);
        Assert.Equal("true", a["in_stock"]);
        Assert.Equal("https://x.example/a2.jpg,https://x.example/a3.jpg", a["additional_image_link"]);
        Assert.False(a.ContainsKey("shipping"));
        Assert.Collection(feed.Problems,
            p => Assert.Equal(3, p.Line),
            p => Assert.Equal((4, "a JSON array, not an object"), (p.Line, p.Message)));
    }

    private const string MerchantRss = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
          <channel>
            <title>Shop</title>
            <link>https://shop.example</link>
            <item>
              <g:id>TS-1</g:id>
              <title>T-shirt &amp; more</title>
              <link>https://shop.example/ts-1</link>
              <g:image_link>https://cdn.example/ts-1.jpg</g:image_link>
              <g:additional_image_link>https://cdn.example/ts-1b.jpg</g:additional_image_link>
              <g:additional_image_link>https://cdn.example/ts-1c.jpg</g:additional_image_link>
              <g:product_type><![CDATA[Apparel > Tops]]></g:product_type>
              <g:price>15.00 USD</g:price>
              <g:shipping>
                <g:country>US</g:country>
                <g:price>4.95 USD</g:price>
              </g:shipping>
            </item>
            <item>
              <g:id>TS-2</g:id>
              <g:image_link>https://cdn.example/ts-2.jpg</g:image_link>
            </item>
            <item>
              <title>no id</title>
              <g:image_link>https://cdn.example/x.jpg</g:image_link>
            </item>
          </channel>
        </rss>
        """;

    [Fact]
    public void Read_MerchantRss_GNamespaceRepeatsAndNestedFields()
    {
        var feed = Read(MerchantRss, new FeedColumns("g:id", "g:image_link"));
        Assert.Equal(FeedFormat.MerchantXml, feed.Format);
        Assert.Equal(["TS-1", "TS-2"], feed.Records.Select(r => r.Id));
        var first = feed.Records[0];
        Assert.Equal(new Uri("https://cdn.example/ts-1.jpg"), first.ImageUrl);
        Assert.Equal("T-shirt & more", first.Metadata["title"]);
        Assert.Equal("Apparel > Tops", first.Metadata["product_type"]);
        Assert.Equal("https://cdn.example/ts-1b.jpg,https://cdn.example/ts-1c.jpg", first.Metadata["additional_image_link"]);
        Assert.Equal("US", first.Metadata["shipping.country"]);
        Assert.Equal("4.95 USD", first.Metadata["shipping.price"]);
        Assert.Equal("15.00 USD", first.Metadata["price"]);
        Assert.Equal(6, first.Line);
        var problem = Assert.Single(feed.Problems);
        Assert.Equal((24, "no id (--id-column)"), (problem.Line, problem.Message));
    }

    [Fact]
    public void Read_MerchantAtom_EntriesAndLinkHref()
    {
        var feed = Read("""
            <?xml version="1.0"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
              <entry>
                <g:id>A</g:id>
                <link href="https://shop.example/a"/>
                <g:image_link>https://cdn.example/a.jpg</g:image_link>
              </entry>
            </feed>
            """);
        var record = Assert.Single(feed.Records);
        Assert.Equal("https://shop.example/a", record.Metadata["link"]);
    }

    [Fact]
    public void Read_XmlWithDtd_IsRefusedAndNoEntityIsExpanded()
    {
        string xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
            <rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>&secret;</g:id><g:image_link>https://x.example/a.jpg</g:image_link></item></channel></rss>
            """;
        var e = Assert.Throws<LookalikeException>(() => Read(xxe));
        Assert.Contains("not well-formed XML", e.Message);
        Assert.Contains("DTD", e.Message);
    }

    [Fact]
    public void Read_XmlWithoutItems_SaysItIsNotAMerchantFeed()
    {
        var e = Assert.Throws<LookalikeException>(() => Read("<html><body>Login</body></html>"));
        Assert.Contains("no <item> (RSS) or <entry> (Atom)", e.Message);
    }

    [Theory]
    [InlineData("id,image_link\n", FeedFormat.Csv)]
    [InlineData("\uFEFFid\timage_link\n", FeedFormat.Tsv)]
    [InlineData("  \n{\"id\":1}", FeedFormat.JsonLines)]
    [InlineData("<?xml version=\"1.0\"?><rss/>", FeedFormat.MerchantXml)]
    public void Sniff_FirstBytes_NameTheFormat(string head, FeedFormat expected) =>
        Assert.Equal(expected, FeedFormats.Sniff(Encoding.UTF8.GetBytes(head)));

    [Fact]
    public void ReadFile_Missing_IsNotFound()
    {
        var e = Assert.Throws<LookalikeException>(() => FeedReader.ReadFile("/nonexistent/feed.csv", new FeedColumns()));
        Assert.Equal(LookalikeErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public void Read_OverTheSizeLimit_IsRefusedNamingTheOption()
    {
        var stream = new NonSeekable(Encoding.UTF8.GetBytes("id,image_link\n" + new string('x', 5000)));
        var e = Assert.Throws<LookalikeException>(() => FeedReader.Read(stream, "big", new FeedColumns(), limits: new FeedLimits(MaxFeedBytes: 1000)));
        Assert.Contains("--max-feed-bytes", e.Message);
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
