using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Waybill.Domain.Channels;
using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Platform;

namespace Waybill.Server.Data;

/// <summary>
/// The master data of omnichannel inventory — locations, location groups and their members, channels — in the one
/// <see cref="WaybillDb"/>. Kept out of <c>OnModelCreating</c> so the inventory's mapping reads in one place.
/// </summary>
internal static class LocationsModel
{
    extension(WaybillDb db)
    {
        public DbSet<Location> Locations => db.Set<Location>();
        public DbSet<LocationGroup> LocationGroups => db.Set<LocationGroup>();
        public DbSet<LocationGroupMember> LocationGroupMembers => db.Set<LocationGroupMember>();
        public DbSet<Channel> Channels => db.Set<Channel>();
    }

    public static void ConfigureLocations(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Location>(l =>
        {
            l.ToTable("locations");
            l.HasKey(x => x.Code);
            l.Property(x => x.Version).IsConcurrencyToken();
            l.Property(x => x.Address).HasConversion(WaybillDb.Json<Address?>()).Metadata.SetValueComparer(WaybillDb.Comparer<Address?>());
            // The built-in group "all" is read as the active locations.
            l.HasIndex(x => x.Active);
        });

        modelBuilder.Entity<LocationGroup>(g =>
        {
            g.ToTable("location_groups");
            g.HasKey(x => x.Code);
            g.Property(x => x.Version).IsConcurrencyToken();
            g.HasMany(x => x.Members).WithOne().HasForeignKey(m => m.GroupCode);
            g.Navigation(x => x.Members).HasField("_members");
            g.Ignore(x => x.Locations);
        });

        modelBuilder.Entity<LocationGroupMember>(m =>
        {
            m.ToTable("location_group_members");
            m.HasKey(x => new { x.GroupCode, x.LocationCode });
            // A location a group names is never deleted from under the group.
            m.HasOne<Location>().WithMany().HasForeignKey(x => x.LocationCode).OnDelete(DeleteBehavior.Restrict);
            m.HasIndex(x => x.LocationCode);
        });

        modelBuilder.Entity<Channel>(c =>
        {
            c.ToTable("channels");
            c.HasKey(x => x.Code);
            c.Property(x => x.Version).IsConcurrencyToken();
            // No foreign key: the built-in group "all" is a valid reference and has no row.
            c.HasIndex(x => x.LocationGroup);
            c.Ignore(x => x.SellsFrom);
        });
    }
}
