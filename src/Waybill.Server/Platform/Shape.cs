using System.Text.RegularExpressions;
using Waybill.Domain.Common;

namespace Waybill.Server.Platform;

/// <summary>An address as a request sends it (orders' billing and shipping addresses, a location's address).</summary>
public sealed record AddressInput(string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country, double? Latitude, double? Longitude);

/// <summary>
/// The shape checks requests share — present, not too long, well-formed — reported per field path. Business rules
/// are the domain's; these only make sure the domain is handed something it can read.
/// </summary>
public static partial class Shape
{
    /// <summary>An address wherever a request carries one: name, line1, city, postalCode and a two-letter country required.</summary>
    public static Address? Address(AddressInput? address, string path, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (address is null) { errors.Add(path, $"{path} is required."); return null; }
        var name = Text(address.Name, $"{path}.name", 200, errors);
        var line1 = Text(address.Line1, $"{path}.line1", 200, errors);
        Optional(address.Line2, $"{path}.line2", 200, errors);
        var city = Text(address.City, $"{path}.city", 100, errors);
        Optional(address.Region, $"{path}.region", 100, errors);
        var postalCode = Text(address.PostalCode, $"{path}.postalCode", 20, errors);
        var country = Text(address.Country, $"{path}.country", 2, errors);
        if (country.Length > 0 && !CountryShape().IsMatch(country)) errors.Add($"{path}.country", "country is an ISO 3166-1 alpha-2 code, e.g. US.");
        if (address.Latitude is < -90 or > 90) errors.Add($"{path}.latitude", "latitude is between -90 and 90.");
        if (address.Longitude is < -180 or > 180) errors.Add($"{path}.longitude", "longitude is between -180 and 180.");
        return new Address(name, line1, address.Line2, city, address.Region, postalCode, country, address.Latitude, address.Longitude);
    }

    /// <summary>Required text, trimmed; an error when missing, blank or longer than <paramref name="maxLength"/>.</summary>
    public static string Text(string? value, string path, int maxLength, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(value)) { errors.Add(path, $"{LastSegment(path)} is required."); return ""; }
        if (value.Length > maxLength) errors.Add(path, $"{LastSegment(path)} is at most {maxLength} characters.");
        return value.Trim();
    }

    public static void Optional(string? value, string path, int maxLength, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is not null && value.Length > maxLength) errors.Add(path, $"{LastSegment(path)} is at most {maxLength} characters.");
    }

    /// <summary>"deliveryGroups[0].lines[1].sku" → "sku": how a message names the field.</summary>
    public static string LastSegment(string path) => path[(path.LastIndexOf('.') + 1)..];

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryShape();
}
