namespace Waybill.Domain.Routing;

/// <summary>A point on the globe, in degrees.</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude);

/// <summary>Great-circle distance on a sphere of radius 6371.0 km (domain.md "Routing").</summary>
public static class Haversine
{
    public const double EarthRadiusKm = 6371.0;

    public static double DistanceKm(GeoPoint from, GeoPoint to)
    {
        const double toRadians = Math.PI / 180.0;
        var dLat = (to.Latitude - from.Latitude) * toRadians;
        var dLon = (to.Longitude - from.Longitude) * toRadians;
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) +
                Math.Cos(from.Latitude * toRadians) * Math.Cos(to.Latitude * toRadians) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        // Rounding can push a just past 1 for antipodal points; the arc sine is undefined there.
        return 2 * EarthRadiusKm * Math.Asin(Math.Sqrt(Math.Min(1.0, a)));
    }
}
