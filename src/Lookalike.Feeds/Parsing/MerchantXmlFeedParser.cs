using System.Xml;
using System.Xml.Linq;
using Lookalike.Core.Errors;

namespace Lookalike.Feeds.Parsing;

/// <summary>
/// Google Merchant Center XML: RSS 2.0 (<c>rss/channel/item</c>) or Atom 1.0 (<c>feed/entry</c>), product fields in
/// the <c>g:</c> namespace or plain (<c>title</c>, <c>link</c>). A field with child elements (<c>g:shipping</c>) becomes
/// <c>shipping.country</c>, …; a repeated field (<c>g:additional_image_link</c>) one comma-joined value. No DTDs, no
/// external entities, no resolver: a feed cannot make the reader open a file or a URL.
/// </summary>
internal static class MerchantXmlFeedParser
{
    public static void Parse(Stream stream, string feed, FeedRows rows, FeedLimits limits)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = limits.MaxFeedBytes,
            MaxCharactersFromEntities = 0,
        };
        int items = 0;
        try
        {
            using var reader = XmlReader.Create(stream, settings);
            var lineInfo = (IXmlLineInfo)reader;
            bool read = reader.Read();
            while (read)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "item" or "entry")
                {
                    int line = lineInfo.LineNumber;
                    var item = XElement.Load(reader.ReadSubtree(), LoadOptions.None);
                    var fields = new List<KeyValuePair<string, string>>();
                    AddFields(item, prefix: "", fields, limits);
                    items++;
                    rows.Add(line, fields);
                    read = reader.Read(); // past the item's end tag, where reading its subtree left the reader
                    continue;
                }
                read = reader.Read();
            }
        }
        catch (XmlException e)
        {
            throw LookalikeException.InvalidArgument("--feed", $"Feed {feed} is not well-formed XML: {e.Message}");
        }
        if (items == 0)
            throw LookalikeException.InvalidArgument("--feed", $"Feed {feed} has no <item> (RSS) or <entry> (Atom) elements: not a Merchant Center XML feed.");
    }

    /// <summary>The leaf elements under <paramref name="element"/>, named by their path of local names.</summary>
    private static void AddFields(XElement element, string prefix, List<KeyValuePair<string, string>> fields, FeedLimits limits)
    {
        foreach (var child in element.Elements())
        {
            string name = prefix + child.Name.LocalName;
            if (child.Name.LocalName == "link" && child.Attribute("href") is { } href) // Atom: <link href="…"/>
                fields.Add(new(name, href.Value));
            else if (child.HasElements)
                AddFields(child, name + ".", fields, limits);
            else if (child.Value.Length > limits.MaxFieldChars)
                throw new XmlException($"field <{name}> is over {limits.MaxFieldChars:N0} characters");
            else
                fields.Add(new(name, child.Value));
        }
    }
}
