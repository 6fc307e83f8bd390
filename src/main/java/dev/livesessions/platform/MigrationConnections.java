package dev.livesessions.platform;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import java.util.Properties;

/**
 * The pool's connections give up a read that PostgreSQL has not answered within the driver's {@code socketTimeout}
 * (ADR 41). A migration may rightly take longer, or wait that long for another node's to end, so Flyway migrates on
 * connections of its own: the pool's URL, account and driver properties, without the read timeout. A data source
 * chosen for Flyway ({@code spring.flyway.url}, say) is left as it is.
 */
@Configuration(proxyBeanMethods = false)
class MigrationConnections {

    private static final String READ_TIMEOUT = "socketTimeout";

    @Bean
    FlywayConfigurationCustomizer migrationsWithoutReadTimeout(HikariDataSource pool) {
        return flyway -> {
            if (flyway.getDataSource() != pool || pool.getJdbcUrl() == null) {
                return;
            }
            Properties properties = new Properties();
            properties.putAll(pool.getDataSourceProperties());
            properties.remove(READ_TIMEOUT);
            // Boot's own way to a data source like another (it makes Flyway's so for spring.flyway.user).
            SimpleDriverDataSource migrations = DataSourceBuilder.derivedFrom(pool).type(SimpleDriverDataSource.class)
                                                                 .build();
            migrations.setConnectionProperties(properties);
            flyway.dataSource(migrations);
        };
    }
}
